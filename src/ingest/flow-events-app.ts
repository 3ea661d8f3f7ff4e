import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { limitBody, requirePermission } from '../http/index.js';
import type { NewEvent } from '../events.js';
import { sanitizeEvent, SanitizerInputError } from '../sanitize/index.js';
import { checkTokenProjects } from './check-token-projects.js';
import { parseEventBody } from './parse-body.js';
import { validateFlowEvent } from './validate-flow-event.js';

export interface Rejection {
  index: number;
  event_id?: string;
  error: string;
}

/**
 * POST /api/v1/flow-events: one event, an array, or NDJSON. Each event is
 * validated and sanitized on its own; the valid ones are appended to the log
 * in one transaction before the answer, the invalid ones come back with their
 * reason.
 */
export function createFlowEventsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', limitBody(deps.config.http.maxBodyBytes), requirePermission(deps, 'ingest'), async (c) => {
    const started = performance.now();
    const items = parseEventBody(await c.req.text(), c.req.header('content-type'));
    const rejected: Rejection[] = [];
    const valid: NewEvent[] = [];
    for (const item of items) {
      if ('error' in item) {
        rejected.push({ index: item.index, error: item.error });
        continue;
      }
      const v = validateFlowEvent(item.value);
      if (!v.ok) {
        rejected.push({ index: item.index, ...eventIdOf(item.value), error: v.error });
        continue;
      }
      let event;
      try {
        event = sanitizeEvent(deps.sanitizer, v.event);
      } catch (err) {
        if (err instanceof SanitizerInputError) {
          rejected.push({ index: item.index, event_id: v.event.eventId, error: err.message });
          continue;
        }
        deps.log.error({ err: { message: err instanceof Error ? err.name : 'error' }, index: item.index }, 'sanitizer failed; event rejected');
        rejected.push({ index: item.index, event_id: v.event.eventId, error: 'sanitization failed; the event was not stored' });
        continue;
      }
      valid.push(event);
    }
    // A token limited to projects posts for them only; otherwise the whole request is refused (403), nothing stored.
    await checkTokenProjects(deps.sql, c.get('principal').projects, valid);
    // Committed into the log (sequenced, hashed, projected) before the answer;
    // concurrent requests share one transaction.
    const { accepted, duplicates } = await deps.integrator.append(valid);
    deps.metrics.inc('flowtrail_events_accepted_total', { source: 'flow_api' }, accepted);
    deps.metrics.inc('flowtrail_events_duplicate_total', { source: 'flow_api' }, duplicates);
    deps.metrics.inc('flowtrail_events_rejected_total', { source: 'flow_api' }, rejected.length);
    deps.metrics.observe('flowtrail_ingest_duration_seconds', (performance.now() - started) / 1000, { source: 'flow_api' });
    const body = { accepted, duplicates, rejected };
    if (valid.length === 0) {
      return c.json({ error: 'invalid', message: 'no event in the request was valid', ...body }, 400);
    }
    return c.json(body, 202);
  });
  return app;
}

function eventIdOf(value: unknown): { event_id?: string } {
  const id = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).event_id : undefined;
  return typeof id === 'string' && id.length <= 64 ? { event_id: id } : {};
}
