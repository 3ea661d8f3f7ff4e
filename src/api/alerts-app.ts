import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { ALERT_TYPES } from '../events.js';
import { alertActionSchema, alertsQuerySchema, limitBody, parseJsonBody, parseQuery, requirePermission } from '../http/index.js';
import { listAlerts, recordAlertAction, type AlertAction, type AlertRow } from '../store/index.js';

function alertJson(a: AlertRow) {
  const leaf = a.leaf === null ? null : (JSON.parse(a.leaf) as { data?: Record<string, unknown> });
  return {
    id: a.seq, type: a.type, session_id: a.sessionId, occurred_at: a.occurredAt.toISOString(), data: leaf?.data ?? null,
    state: a.state, handled_by: a.actor, handled_at: a.actedAt?.toISOString() ?? null, reason: a.reason,
    notified_at: a.notifiedAt?.toISOString() ?? null,
    gitlab_issue: a.gitlabIssueIid === null ? null : { iid: a.gitlabIssueIid, url: a.gitlabIssueUrl },
  };
}

const alertId = (raw: string): number => {
  if (!/^[0-9]{1,16}$/.test(raw)) throw new AppError('invalid', `"${raw.slice(0, 40)}" is not an alert id (its log position, a whole number)`);
  return Number(raw);
};

/**
 * GET /api/v1/alerts (auditor, admin): the alerts in the log (events of the
 * alert types) with their state; POST /:id/acknowledge and /:id/resolve move
 * one on (open -> acknowledged -> resolved), each step recorded with who and why.
 */
export function createAlertsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'read_all'), async (c) => {
    const q = parseQuery(alertsQuerySchema, c.req.query());
    const rows = await listAlerts(deps.sql, q.type === undefined ? ALERT_TYPES : [q.type], { state: q.state === 'all' ? undefined : q.state, before: q.before, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({ alerts: page.map(alertJson), next_before: rows.length > q.limit ? page[page.length - 1]!.seq : null });
  });
  const step = (action: AlertAction) =>
    async (c: Context<AppEnv, '/:id/acknowledge' | '/:id/resolve'>) => {
      const seq = alertId(c.req.param('id'));
      const body = await parseJsonBody(c, alertActionSchema, '{"reason": ...}');
      return c.json(alertJson(await recordAlertAction(deps.sql, ALERT_TYPES, seq, action, c.get('principal').tokenId, deps.sanitizer.sanitizeText(body.reason).text)));
    };
  app.post('/:id/acknowledge', limitBody(16 * 1024), requirePermission(deps, 'handle_alerts'), step('acknowledged'));
  app.post('/:id/resolve', limitBody(16 * 1024), requirePermission(deps, 'handle_alerts'), step('resolved'));
  return app;
}
