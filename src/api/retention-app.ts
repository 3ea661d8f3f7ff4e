import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { runRetention } from '../audit/index.js';
import { requirePermission } from '../http/index.js';

/** POST /api/v1/retention/run (admin): the same purge the daily job runs; it is recorded as retention_purged. */
export function createRetentionApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/run', requirePermission(deps, 'run_retention'), async (c) => {
    await deps.integrator.integrate();
    await deps.integrator.checkpoint();
    const result = await runRetention(deps.sql, deps.config.retention.days, c.get('principal').tokenId);
    return c.json(result);
  });
  return app;
}
