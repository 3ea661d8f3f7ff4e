import type postgres from 'postgres';
import type { Sql } from './database.js';

/** Queues a job to run no sooner than `delayMs` from now (by the database's clock); answers its id. */
export async function deferJob(sql: Sql, name: string, payload: Record<string, unknown>, delayMs: number, maxAttempts = 10): Promise<number> {
  const [row] = await sql<{ id: number }[]>`insert into jobs (name, payload, max_attempts, run_at)
    values (${name}, ${sql.json(payload as postgres.JSONValue)}, ${maxAttempts}, now() + make_interval(secs => ${delayMs / 1000})) returning id`;
  return row!.id;
}
