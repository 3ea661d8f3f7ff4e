import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';

/** /-/health (the process answers), /-/readiness (the database answers), /metrics (Prometheus). */
export function createOpsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/-/health', (c) => c.json({ status: 'ok' }));
  app.get('/-/readiness', async (c) => {
    try {
      await deps.sql`select 1`;
      return c.json({ status: 'ok', database: deps.dbKind });
    } catch {
      return c.json({ status: 'unavailable', database: deps.dbKind }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(await deps.metrics.render());
  });
  return app;
}
