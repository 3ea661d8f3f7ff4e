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
 * several workers and processes never take the same one). The claim is a
 * lease until `leaseSeconds` from the database's now(): the worker renews it
 * (renewJobLeases) while it runs the job, and a job whose lease lapsed (its
 * worker died) is taken again.
 */
export async function claimJobs(sql: Sql, worker: string, limit: number, leaseSeconds = 30): Promise<JobRow[]> {
  return sql<JobRow[]>`
    update jobs set locked_at = now(), locked_until = now() + make_interval(secs => ${leaseSeconds}), locked_by = ${worker}, attempts = attempts + 1
    where id in (
      select id from jobs
      where state = 'pending' and run_at <= now()
        and (locked_until is null or locked_until <= now())
      order by run_at, id
      limit ${limit}
      for update skip locked)
    returning id, name, payload, attempts, max_attempts`;
}

/** Extends this worker's leases on `ids`; returns the ids it still holds (a job missing from the answer was lost). */
export async function renewJobLeases(sql: Sql, worker: string, ids: readonly number[], leaseSeconds: number): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    update jobs set locked_until = now() + make_interval(secs => ${leaseSeconds})
    where id = any(${ids as number[]}::bigint[]) and locked_by = ${worker} and state = 'pending'
    returning id`;
  return rows.map((r) => r.id);
}

/** Gives back claimed jobs this worker has not started (at shutdown): they are due again at once, the claim not counted as an attempt. */
export async function releaseJobs(sql: Sql, worker: string, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const released = await sql`
    update jobs set locked_at = null, locked_until = null, locked_by = null, attempts = greatest(attempts - 1, 0)
    where id = any(${ids as number[]}::bigint[]) and locked_by = ${worker} and state = 'pending'`;
  return released.count;
}

/** Marks the job done, if this worker still holds it; false when its lease lapsed and another worker took it. */
export async function completeJob(sql: Sql, id: number, result: string | null, worker: string): Promise<boolean> {
  const done = await sql`update jobs set state = 'done', result = ${result}, locked_at = null, locked_until = null, locked_by = null, finished_at = now()
    where id = ${id} and locked_by = ${worker} and state = 'pending'`;
  return done.count === 1;
}

/**
 * Schedules another attempt after `delayMs`, or moves the job to the dead
 * letters when it has had its attempts; 'lost' when this worker no longer
 * holds the job (its lease lapsed and another worker took it).
 */
export async function failJob(sql: Sql, job: JobRow, error: string, delayMs: number, worker: string): Promise<'retry' | 'dead' | 'lost'> {
  const dead = job.attempts >= job.maxAttempts;
  const failed = await sql`update jobs set locked_at = null, locked_until = null, locked_by = null, last_error = ${error.slice(0, 2000)},
    state = ${dead ? 'dead' : 'pending'}, run_at = now() + make_interval(secs => ${delayMs / 1000}),
    finished_at = ${dead ? sql`now()` : null}
    where id = ${job.id} and locked_by = ${worker} and state = 'pending'`;
  if (failed.count === 0) return 'lost';
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
