import type { Sql } from './database.js';

export interface RetriedJob {
  id: number;
  name: string;
  lastError: string | null;
}

/**
 * Sends dead letters back to the queue: pending, due now, with their attempts
 * counted from zero again (the last error stays until the next attempt).
 * `ids` null means every dead letter. Jobs that are not dead are left alone.
 */
export async function retryDeadJobs(sql: Sql, ids: readonly number[] | null): Promise<RetriedJob[]> {
  return sql<RetriedJob[]>`
    update jobs set state = 'pending', attempts = 0, run_at = now(), finished_at = null
    where state = 'dead' ${ids === null ? sql`` : sql`and id = any(${ids as number[]}::bigint[])`}
    returning id, name, last_error`;
}
