import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { findRunningSession, isAgentAccount, rememberAgentAccount } from '../store/index.js';
import type { NewEvent } from '../events.js';
import { sanitizeEvent, SanitizerInputError } from '../sanitize/index.js';
import { describeUnstorable, findUnstorable, limitBody, safeEqual } from '../http/index.js';
import { mapAuditEvent } from './map-audit-event.js';
import { parseEventBody } from './parse-body.js';
import type { Rejection } from './flow-events-app.js';

/**
 * POST /webhooks/gitlab/audit-events: a GitLab audit event streaming
 * destination. GitLab sends JSON with a form-urlencoded content type by
 * default, so the body is parsed as JSON whatever the header says.
 */
export function createAuditStreamApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', limitBody(deps.config.http.maxBodyBytes), async (c) => {
    const started = performance.now();
    const expected = deps.config.ingest.streamingToken;
    if (expected === undefined) {
      deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'audit_stream' });
      throw new AppError('unauthorized', 'audit event streaming is not configured (FLOWTRAIL_STREAMING_TOKEN is not set)');
    }
    if (!safeEqual(c.req.header('x-gitlab-event-streaming-token'), expected)) {
      deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'audit_stream' });
      throw new AppError('unauthorized', 'X-Gitlab-Event-Streaming-Token is missing or wrong');
    }
    const items = parseEventBody(await c.req.text(), 'application/json');
    const headerType = c.req.header('x-gitlab-audit-event-type');
    const rejected: Rejection[] = [];
    const valid: NewEvent[][] = [];
    const lookups = {
      findRunning: (agentId: string, project: string, at: Date) => findRunningSession(deps.sql, agentId, project, at),
      isAgentAccount: (userId: string) => isAgentAccount(deps.sql, userId),
      agentPatterns: deps.config.gitlab.agentUsernames,
    };
    for (const item of items) {
      if ('error' in item) {
        rejected.push({ index: item.index, error: item.error });
        continue;
      }
      // A NUL, a lone surrogate or an infinite number anywhere in the event is its rejection, with where it is.
      const unstorable = findUnstorable(item.value);
      if (unstorable !== null) {
        rejected.push({ index: item.index, error: describeUnstorable(unstorable, 'event') });
        continue;
      }
      const mapped = await mapAuditEvent(item.value, items.length === 1 ? headerType : undefined, lookups);
      if (!mapped.ok) {
        rejected.push({ index: item.index, error: mapped.error });
        continue;
      }
      try {
        valid.push(mapped.events.map((e) => sanitizeEvent(deps.sanitizer, e)));
      } catch (err) {
        rejected.push({ index: item.index, error: err instanceof SanitizerInputError ? err.message : 'sanitization failed; the event was not stored' });
        continue;
      }
      if (mapped.agent !== undefined) await rememberAgentAccount(deps.sql, mapped.agent);
    }
    // One audit event may map to several flowtrail events; each is new or a redelivery as a whole.
    const results = await Promise.all(valid.map((events) => deps.integrator.append(events)));
    const accepted = results.filter((r) => r.accepted > 0).length;
    deps.metrics.inc('flowtrail_events_accepted_total', { source: 'gitlab_audit_stream' }, accepted);
    deps.metrics.inc('flowtrail_events_duplicate_total', { source: 'gitlab_audit_stream' }, valid.length - accepted);
    deps.metrics.inc('flowtrail_events_rejected_total', { source: 'gitlab_audit_stream' }, rejected.length);
    deps.metrics.observe('flowtrail_ingest_duration_seconds', (performance.now() - started) / 1000, { source: 'gitlab_audit_stream' });
    const body = { accepted, duplicates: valid.length - accepted, rejected };
    if (valid.length === 0) return c.json({ error: 'invalid', message: 'no audit event in the request was valid', ...body }, 400);
    return c.json(body, 200);
  });
  return app;
}
