import { systemEvent } from '../log/index.js';
import { recordEvents, retryDeadJobs, type Pool, type RetriedJob } from '../store/index.js';

/**
 * Sends dead letters back to the queue (one job by id, or all of them when
 * `ids` is null) and records who did it as jobs_retried, in one transaction:
 * a retry is never unaudited. Answers the jobs retried (none: nothing recorded).
 */
export async function retryDeadLetters(sql: Pool, ids: readonly number[] | null, actor: string): Promise<RetriedJob[]> {
  return sql.begin(async (tx) => {
    const jobs = await retryDeadJobs(tx, ids);
    if (jobs.length > 0) {
      await recordEvents(tx, [systemEvent('jobs_retried', null, new Date().toISOString(), {
        jobs: jobs.map((j) => ({ id: j.id, name: j.name, last_error: j.lastError?.slice(0, 500) ?? null })),
        actor,
      })]);
    }
    return jobs;
  });
}
