import type postgres from 'postgres';
import type { Sql } from './database.js';

export interface JobRow {
  id: number;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

export async function enqueueJob(sql: Sql, name: string, payload: Record<string, unknown>, maxAttempts = 10): Promise<number> {
  const [row] = await sql<{ id: number }[]>`insert into jobs (name, payload, max_attempts)
    values (${name}, ${sql.json(payload as postgres.JSONValue)}, ${maxAttempts}) returning id`;
  return row!.id;
}

/**
 * Takes up to `limit` due jobs for this worker (FOR UPDATE SKIP LOCKED, so
 * several workers and processes never take the same one). A job locked longer
 * than `staleAfterSeconds` by a worker that died is taken again.
 */
export async function claimJobs(sql: Sql, worker: string, limit: number, staleAfterSeconds = 300): Promise<JobRow[]> {
  return sql<JobRow[]>`
    update jobs set locked_at = now(), locked_by = ${worker}, attempts = attempts + 1
    where id in (
      select id from jobs
      where state = 'pending' and run_at <= now()
        and (locked_at is null or locked_at < now() - make_interval(secs => ${staleAfterSeconds}))
      order by run_at, id
      limit ${limit}
      for update skip locked)
    returning id, name, payload, attempts, max_attempts`;
}

export async function completeJob(sql: Sql, id: number, result: string | null): Promise<void> {
  await sql`update jobs set state = 'done', result = ${result}, locked_at = null, locked_by = null, finished_at = now() where id = ${id}`;
}

/** Schedules another attempt after `delayMs`, or moves the job to the dead letters when it has had its attempts. */
export async function failJob(sql: Sql, job: JobRow, error: string, delayMs: number): Promise<'retry' | 'dead'> {
  const dead = job.attempts >= job.maxAttempts;
  await sql`update jobs set locked_at = null, locked_by = null, last_error = ${error.slice(0, 2000)},
    state = ${dead ? 'dead' : 'pending'}, run_at = now() + make_interval(secs => ${delayMs / 1000}),
    finished_at = ${dead ? sql`now()` : null}
    where id = ${job.id}`;
  return dead ? 'dead' : 'retry';
}

export async function countJobs(sql: Sql): Promise<Record<'pending' | 'done' | 'dead', number>> {
  const rows = await sql<{ state: 'pending' | 'done' | 'dead'; n: number }[]>`select state, count(*)::int as n from jobs group by state`;
  const out = { pending: 0, done: 0, dead: 0 };
  for (const r of rows) out[r.state] = r.n;
  return out;
}

export interface JobListing {
  id: number;
  name: string;
  state: string;
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
  result: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export async function listJobs(sql: Sql, state: 'pending' | 'done' | 'dead', limit: number, beforeId?: number): Promise<JobListing[]> {
  return sql<JobListing[]>`select id, name, state, attempts, max_attempts, run_at, last_error, result, created_at, finished_at
    from jobs where state = ${state} ${beforeId !== undefined ? sql`and id < ${beforeId}` : sql``}
    order by id desc limit ${limit}`;
}

/** Deletes the jobs that finished (done) before `cutoff`; dead letters stay. Returns how many were deleted. */
export async function deleteFinishedJobs(sql: Sql, cutoff: Date): Promise<number> {
  const deleted = await sql`delete from jobs where state = 'done' and finished_at < ${cutoff}`;
  return deleted.count;
}
