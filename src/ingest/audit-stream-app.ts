import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { findRunningSession, rememberAgentAccount, saveIntake, type IntakeItem } from '../store/index.js';
import { limitBody } from './body-limit.js';
import { mapAuditEvent } from './map-audit-event.js';
import { parseEventBody } from './parse-body.js';
import { sanitizeEvent } from './sanitize-event.js';
import { safeEqual } from './safe-equal.js';
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
    const intake: IntakeItem[] = [];
    const find = (agentId: string, project: string, at: Date) => findRunningSession(deps.sql, agentId, project, at);
    for (const item of items) {
      if ('error' in item) {
        rejected.push({ index: item.index, error: item.error });
        continue;
      }
      const mapped = await mapAuditEvent(item.value, items.length === 1 ? headerType : undefined, find);
      if (!mapped.ok) {
        rejected.push({ index: item.index, error: mapped.error });
        continue;
      }
      try {
        intake.push({ dedupeKey: mapped.dedupeKey, source: 'gitlab_audit_stream', events: mapped.events.map((e) => sanitizeEvent(deps.sanitizer, e)) });
      } catch {
        rejected.push({ index: item.index, error: 'sanitization failed; the event was not stored' });
        continue;
      }
      if (mapped.agent !== undefined) await rememberAgentAccount(deps.sql, mapped.agent);
    }
    const inserted = await saveIntake(deps.sql, intake);
    const accepted = inserted.size;
    deps.metrics.inc('flowtrail_events_accepted_total', { source: 'gitlab_audit_stream' }, accepted);
    deps.metrics.inc('flowtrail_events_duplicate_total', { source: 'gitlab_audit_stream' }, intake.length - accepted);
    deps.metrics.inc('flowtrail_events_rejected_total', { source: 'gitlab_audit_stream' }, rejected.length);
    deps.metrics.observe('flowtrail_ingest_duration_seconds', (performance.now() - started) / 1000, { source: 'gitlab_audit_stream' });
    if (accepted > 0) deps.integrator.kick();
    const body = { accepted, duplicates: intake.length - accepted, rejected };
    if (intake.length === 0) return c.json({ error: 'invalid', message: 'no audit event in the request was valid', ...body }, 400);
    return c.json(body, 200);
  });
  return app;
}
