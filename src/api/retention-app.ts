import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { runRetention } from '../audit/index.js';
import { limitBody, parseJsonBody, requirePermission, retentionRuleSchema } from '../http/index.js';
import { listRetentionRules, retentionFloor, setRetentionRule } from '../store/index.js';

/**
 * POST /api/v1/retention/run (admin): the same purge the daily job runs; it is recorded as retention_purged.
 * GET /api/v1/retention (admin, auditor): the default period, the owner's floor and the rules per project or flow type.
 * PUT /api/v1/retention/rules (admin): set a project's or flow type's period, or remove it (`days: null`); recorded as retention_policy_changed.
 */
export function createRetentionApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/run', requirePermission(deps, 'run_retention'), async (c) => {
    await deps.integrator.integrate();
    await deps.integrator.checkpoint();
    const result = await runRetention(deps.sql, deps.config.retention.days, c.get('principal').tokenId);
    return c.json(result);
  });
  app.get('/', requirePermission(deps, 'read_all'), async (c) => {
    const rules = await listRetentionRules(deps.sql);
    return c.json({
      default_days: deps.config.retention.days,
      floor_days: await retentionFloor(deps.sql),
      rules: rules.map((r) => ({ scope: r.scope, value: r.value, days: r.days, set_by: r.setBy, set_at: r.setAt.toISOString() })),
    });
  });
  app.put('/rules', limitBody(16 * 1024), requirePermission(deps, 'run_retention'), async (c) => {
    const rule = await parseJsonBody(c, retentionRuleSchema, '{"scope": "project|flow_type", "value": ..., "days": N or null}');
    return c.json(await setRetentionRule(deps.sql, rule, c.get('principal').tokenId));
  });
  return app;
}
