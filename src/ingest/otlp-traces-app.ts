import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import type { NewEvent } from '../events.js';
import { limitBody, requirePermission } from '../http/index.js';
import { decodeTraceRequest, encodeTraceResponse, mapSpans, type OtlpSpan } from '../otlp/index.js';
import { sanitizeEvent, SanitizerInputError } from '../sanitize/index.js';
import { deletePendingSpans, lockTraces, readPendingSpans, savePendingSpans, type Sql } from '../store/index.js';
import { checkTokenProjects } from './check-token-projects.js';
import { createKeyedLock } from './create-keyed-lock.js';
import { createSemaphore } from './create-semaphore.js';
import { inflateOtlpBody, otlpEncodingOf } from './read-otlp-body.js';
import { validateFlowEvent } from './validate-flow-event.js';

/**
 * POST /v1/traces: OTLP/HTTP (protobuf or JSON, gzip or not). GenAI spans
 * become flow events with source `otlp` and take the flow-event path:
 * validated against the catalog, sanitized, appended to the log before the
 * answer. The answer is an ExportTraceServiceResponse in the request's
 * encoding, with partial_success naming the spans refused and why.
 */
export function createOtlpTracesApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const max = deps.config.http.maxBodyBytes;
  const withTraces = createTraceLock(deps);
  app.post('/', limitBody(max), requirePermission(deps, 'ingest'), async (c) => {
    const started = performance.now();
    const encoding = otlpEncodingOf(c.req.header('content-type'));
    const body = inflateOtlpBody(new Uint8Array(await c.req.arrayBuffer()), c.req.header('content-encoding'), max);
    const decoded = decodeTraceRequest(body, encoding);
    if (!decoded.ok) throw new AppError('invalid', decoded.error);
    const errors = decoded.problems.map((p) => `${p.path}: ${p.error}`);
    let rejected = decoded.problems.length;

    // Spans kept from earlier requests (children waiting, sessions recorded) join this request's spans of the same traces.
    const traceIds = [...new Set(decoded.spans.map((s) => s.traceId))];
    const { accepted, duplicates, refused } = await withTraces(traceIds, async (sql) => {
      const kept = await readPendingSpans(sql, traceIds);
      const mapped = mapSpans([...kept.map((w) => w.span as unknown as OtlpSpan), ...decoded.spans], { projectMap: deps.config.otlp.projectMap });
      let refused = mapped.rejected.length;
      for (const r of mapped.rejected.slice(0, 3)) errors.push(`span ${r.span.spanId} of trace ${r.span.traceId}: ${r.error}`);
      const valid: NewEvent[] = [];
      for (const e of mapped.events) {
        const v = validateFlowEvent(e.value);
        if (!v.ok) {
          refused++;
          errors.push(`span ${e.spanId} of trace ${e.traceId}: ${v.error}`);
          continue;
        }
        try {
          valid.push(sanitizeEvent(deps.sanitizer, { ...v.event, source: 'otlp', sourceType: `otlp:${e.operation}`, sourceId: `${e.traceId}:${e.spanId}` }));
        } catch (err) {
          if (!(err instanceof SanitizerInputError)) deps.log.error({ err: { message: err instanceof Error ? err.name : 'error' } }, 'sanitizer failed; span refused');
          refused++;
          errors.push(`span ${e.spanId} of trace ${e.traceId}: sanitization failed; the span was not stored`);
        }
      }
      await checkTokenProjects(sql, c.get('principal').projects, valid);
      const appended = await deps.integrator.append(valid);
      // Kept after the append: a failed append leaves the waiting spans as they were for the client's retry.
      const waitingNow = new Set(mapped.waiting.map((s) => `${s.traceId}:${s.spanId}`));
      await savePendingSpans(sql, [
        ...mapped.waiting.map((s) => ({ traceId: s.traceId, spanId: s.spanId, role: 'waiting' as const, span: sanitizeSpan(deps, s) })),
        ...mapped.sessions.map((s) => ({ traceId: s.traceId, spanId: s.spanId, role: 'session' as const, span: sanitizeSpan(deps, s) })),
      ]);
      await deletePendingSpans(sql, kept.filter((w) => w.role === 'waiting' && !waitingNow.has(`${w.traceId}:${w.spanId}`)));
      return { ...appended, refused };
    });
    rejected += refused;

    deps.metrics.inc('flowtrail_events_accepted_total', { source: 'otlp' }, accepted);
    deps.metrics.inc('flowtrail_events_duplicate_total', { source: 'otlp' }, duplicates);
    deps.metrics.inc('flowtrail_events_rejected_total', { source: 'otlp' }, rejected);
    deps.metrics.observe('flowtrail_ingest_duration_seconds', (performance.now() - started) / 1000, { source: 'otlp' });
    const answer = encodeTraceResponse(encoding, rejected, [...new Set(errors)].slice(0, 5).join('; ').slice(0, 2000));
    return typeof answer === 'string'
      ? c.body(answer, 200, { 'Content-Type': 'application/json' })
      : c.body(answer as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/x-protobuf' });
  });
  return app;
}


/**
 * Serializes the requests that touch the same traces, within this process
 * (a keyed lock) and, on PostgreSQL, across every process on the database:
 * the kept spans are read and written in a transaction holding the traces'
 * advisory locks, so two replicas given halves of one trace at the same
 * moment cannot both miss the other's half. PGlite is opened by one process
 * only (its data directory is locked), and its pool has one connection that
 * the log's append needs, so there the keyed lock is the whole story.
 */
function createTraceLock(deps: AppDeps): <T>(traceIds: readonly string[], fn: (sql: Sql) => Promise<T>) => Promise<T> {
  const withKeys = createKeyedLock();
  if (deps.dbKind !== 'postgres') return (traceIds, fn) => withKeys(traceIds, () => fn(deps.sql));
  // Each holds a connection while it waits for the log's append, which needs another: half the pool at most, the rest stays free.
  const withSlot = createSemaphore(Math.max(1, Math.floor(deps.sql.options.max / 2)));
  return <T>(traceIds: readonly string[], fn: (sql: Sql) => Promise<T>) => withKeys(traceIds, () =>
    withSlot(async () => (await deps.sql.begin(async (tx) => {
      await lockTraces(tx, traceIds);
      return fn(tx);
    })) as T));
}

/** A waiting span is stored with its attributes and events sanitized, like everything flowtrail keeps. */
function sanitizeSpan(deps: AppDeps, s: OtlpSpan): Record<string, unknown> {
  // The conversation id is the session's id, stored as it is in the log's session_id; it must map to the same session later.
  const conversation = s.attributes['gen_ai.conversation.id'];
  return {
    ...s,
    attributes: { ...deps.sanitizer.sanitizeValue(s.attributes).value, ...(conversation !== undefined ? { 'gen_ai.conversation.id': conversation } : {}) },
    resource: deps.sanitizer.sanitizeValue(s.resource).value,
    events: deps.sanitizer.sanitizeValue(s.events).value,
  };
}
