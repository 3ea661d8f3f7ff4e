import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { buildBundle, formatBundle } from '../audit/index.js';
import { eventFilters, exportQuerySchema, exportResponse, parseQuery, requirePermission } from '../http/index.js';

/**
 * GET /api/v1/export: the matching events, streamed (ndjson or csv), or with
 * bundle=true a JSON bundle with inclusion proofs that `flowtrail verify
 * --bundle` checks offline. A `user` token exports only its own sessions.
 * API tokens only; the pages export through POST
 * /admin/duo_agent_platform/audit/export.
 */
export function createExportApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'read'), async (c) => {
    const q = parseQuery(exportQuerySchema, c.req.query());
    const p = c.get('principal');
    const filters = eventFilters(q, p);
    const actor = { id: p.tokenId, role: p.role, username: p.username };
    if (q.bundle === 'true') {
      const bundle = await buildBundle(deps.sql, { filters, actor, channel: 'api', origin: deps.origin, verifierKey: deps.verifiers[0]?.verifierKey, sanitizer: deps.sanitizer });
      return c.body(formatBundle(bundle), 200, { 'content-type': 'application/json; charset=utf-8' });
    }
    return exportResponse(deps, { format: q.format, filters, actor, channel: 'api' });
  });
  return app;
}
