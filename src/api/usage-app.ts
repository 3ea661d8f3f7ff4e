import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { usageCsv, usageJson, usageReport } from '../audit/index.js';
import { can } from '../auth/index.js';
import { parseQuery, requirePermission, usageQuerySchema, usageWindow } from '../http/index.js';

/**
 * GET /api/v1/usage: sessions, outcomes, what they produced and the tokens
 * they used, by group, project, person or flow type over a window (default
 * the last 30 days), as JSON or CSV. Admins and auditors see every session; a
 * `user` token only those it initiated, as in GET /api/v1/sessions.
 */
export function createUsageApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requirePermission(deps, 'read'));

  app.get('/', async (c) => {
    const q = parseQuery(usageQuerySchema, c.req.query());
    const window = usageWindow(q.from, q.to);
    const p = c.get('principal');
    const username = can(p.role, 'read_all') ? undefined : p.username ?? '\u0000';
    const report = await usageReport(deps.sql, { ...window, groupBy: q.group_by, username });
    if (q.format === 'csv') {
      const name = `flowtrail-usage-${q.group_by}-${window.from.toISOString().slice(0, 10)}-${window.to.toISOString().slice(0, 10)}.csv`;
      return c.body(usageCsv(report), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
    }
    return c.json(usageJson(report));
  });
  return app;
}
