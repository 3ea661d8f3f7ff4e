import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { countJobs, listJobs } from '../store/index.js';
import { jobsQuerySchema, parseQuery, requirePermission } from '../http/index.js';

/** GET /api/v1/jobs (admin): the worker's queue by state, the dead letters first of all. */
export function createJobsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'manage_tokens'), async (c) => {
    const q = parseQuery(jobsQuerySchema, c.req.query());
    const [counts, jobs] = await Promise.all([countJobs(deps.sql), listJobs(deps.sql, q.state, q.limit, q.before)]);
    return c.json({
      counts,
      jobs: jobs.map((j) => ({
        id: j.id, name: j.name, state: j.state, attempts: j.attempts, max_attempts: j.maxAttempts, run_at: j.runAt.toISOString(),
        last_error: j.lastError, result: j.result, created_at: j.createdAt.toISOString(), finished_at: j.finishedAt?.toISOString() ?? null,
      })),
    });
  });
  return app;
}
