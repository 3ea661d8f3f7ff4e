import { deleteFinishedJobs, type Sql } from '../store/index.js';

/**
 * How long a finished (done) job is kept, for `GET /api/v1/jobs?state=done`
 * and for looking into what the worker did. Dead letters are never deleted
 * here: they are the evidence that something failed, and an operator clears them.
 */
export const DONE_JOB_RETENTION_DAYS = 7;

/** Deletes the jobs that finished (done) more than DONE_JOB_RETENTION_DAYS before `now`; run daily with the retention purge. */
export async function cleanUpJobs(sql: Sql, now = new Date()): Promise<{ cutoff: string; deleted: number }> {
  const cutoff = new Date(now.getTime() - DONE_JOB_RETENTION_DAYS * 86_400_000);
  return { cutoff: cutoff.toISOString(), deleted: await deleteFinishedJobs(sql, cutoff) };
}
