import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { answerError } from '../http/index.js';
import { pingDatabase } from '../store/index.js';
import { requireMetricsAccess } from './require-metrics-access.js';

/**
 * /-/health (the process answers), /-/readiness (the database answers), and
 * /metrics (Prometheus) unless FLOWTRAIL_METRICS_PORT serves it elsewhere
 * (then this port answers 404 for it).
 */
export function createOpsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/-/health', (c) => c.json({ status: 'ok' }));
  app.get('/-/readiness', async (c) => {
    try {
      await pingDatabase(deps.sql);
      return c.json({ status: 'ok', database: deps.dbKind });
    } catch {
      return c.json({ status: 'unavailable', database: deps.dbKind }, 503);
    }
  });
  if (deps.config.metrics.port === undefined) mountMetrics(app, deps, 'main');
  return app;
}

/** The app of FLOWTRAIL_METRICS_PORT: /metrics and nothing else. */
export function createMetricsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  mountMetrics(app, deps, 'metrics');
  // Its own server, so its own answer for errors (the main app's onError does not reach it).
  app.onError(answerError(deps.log, 'metrics request failed'));
  return app;
}

function mountMetrics(app: Hono<AppEnv>, deps: AppDeps, on: 'main' | 'metrics'): void {
  app.get('/metrics', requireMetricsAccess(deps, on), async (c) => {
    c.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return c.body(await deps.metrics.render());
  });
}
