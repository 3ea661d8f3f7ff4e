import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { ALERT_TYPES } from '../events.js';
import { alertActionSchema, alertsQuerySchema, limitBody, parseJsonBody, parseQuery, requirePermission } from '../http/index.js';
import { listAlerts, recordAlertAction, type AlertRow } from '../store/index.js';

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
    const rows = await listAlerts(deps.sql, ALERT_TYPES, { state: q.state === 'all' ? undefined : q.state, before: q.before, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({ alerts: page.map(alertJson), next_before: rows.length > q.limit ? page[page.length - 1]!.seq : null });
  });
  const step = (action: 'acknowledged' | 'resolved', allowedFrom: readonly string[]) =>
    async (c: Context<AppEnv, '/:id/acknowledge' | '/:id/resolve'>) => {
      const seq = alertId(c.req.param('id'));
      const body = await parseJsonBody(c, alertActionSchema, '{"reason": ...}');
      const [alert] = await listAlerts(deps.sql, ALERT_TYPES, { seq, limit: 1 });
      if (alert === undefined) throw new AppError('not_found', `there is no alert at log position ${seq}`);
      if (!allowedFrom.includes(alert.state)) throw new AppError('conflict', `alert ${seq} is already ${alert.state}${alert.actedAt === null ? '' : ` (${alert.actedAt.toISOString()} by ${alert.actor})`}`);
      await recordAlertAction(deps.sql, alert, action, c.get('principal').tokenId, deps.sanitizer.sanitizeText(body.reason).text);
      const [after] = await listAlerts(deps.sql, ALERT_TYPES, { seq, limit: 1 });
      return c.json(alertJson(after!));
    };
  app.post('/:id/acknowledge', limitBody(16 * 1024), requirePermission(deps, 'handle_alerts'), step('acknowledged', ['open']));
  app.post('/:id/resolve', limitBody(16 * 1024), requirePermission(deps, 'handle_alerts'), step('resolved', ['open', 'acknowledged']));
  return app;
}
