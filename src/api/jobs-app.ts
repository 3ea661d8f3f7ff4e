import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { retryDeadLetters } from '../jobs/index.js';
import { countJobs, listJobs, type RetriedJob } from '../store/index.js';
import { jobsQuerySchema, parseQuery, requirePermission } from '../http/index.js';

const retried = (jobs: RetriedJob[]) => ({ retried: jobs.map((j) => ({ id: j.id, name: j.name, last_error: j.lastError })) });

/**
 * GET /api/v1/jobs (admin): the worker's queue by state, the dead letters
 * first of all. POST /api/v1/jobs/:id/retry and POST /api/v1/jobs/retry-dead
 * send dead letters back to the queue (attempts from zero, due now); each
 * retry is audited as jobs_retried.
 */
export function createJobsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requirePermission(deps, 'manage_tokens'));
  app.get('/', async (c) => {
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
  app.post('/retry-dead', async (c) => {
    const jobs = await retryDeadLetters(deps.sql, null, c.get('principal').tokenId);
    deps.jobRunner?.kick();
    return c.json(retried(jobs));
  });
  app.post('/:id/retry', async (c) => {
    const raw = c.req.param('id');
    const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(id)) throw new AppError('invalid', 'the job id must be a positive integer');
    const jobs = await retryDeadLetters(deps.sql, [id], c.get('principal').tokenId);
    if (jobs.length === 0) throw new AppError('not_found', `job ${id} is not a dead letter (no such job, or it is pending or done)`);
    deps.jobRunner?.kick();
    return c.json(retried(jobs));
  });
  return app;
}
