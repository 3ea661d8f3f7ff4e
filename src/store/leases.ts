import type { Sql } from './database.js';

/**
 * Takes the lease `name` for `holder`, or renews it when `holder` has it, for
 * `seconds` from the database's now(). One statement: it succeeds only when
 * nobody holds the lease, `holder` holds it, or the holder's lease expired, so
 * two processes never both get it, whatever their clocks say. Returns whether
 * `holder` holds it now.
 */
export async function takeLease(sql: Sql, name: string, holder: string, seconds: number): Promise<boolean> {
  const rows = await sql`
    insert into leases (name, holder, expires_at) values (${name}, ${holder}, now() + make_interval(secs => ${seconds}))
    on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
      where leases.holder = excluded.holder or leases.expires_at <= now()
    returning holder`;
  return rows.length === 1;
}

/** Gives the lease up (at shutdown), so another process takes it at once instead of after it expires. */
export async function releaseLease(sql: Sql, name: string, holder: string): Promise<void> {
  await sql`delete from leases where name = ${name} and holder = ${holder}`;
}

export interface LeaseRow {
  name: string;
  holder: string;
  expiresAt: Date;
}

export async function readLease(sql: Sql, name: string): Promise<LeaseRow | null> {
  const [row] = await sql<LeaseRow[]>`select name, holder, expires_at from leases where name = ${name}`;
  return row ?? null;
}

/**
 * Claims the run of the daily task `name` for `slot` (e.g. today 03:17): it
 * succeeds when the task has not been started for this slot or a later one, or
 * when the run for this slot was started and never recorded as finished (its
 * holder died, or lost the database, before it could). The caller makes sure
 * it is not running the task itself (the scheduler lease, and one run at a
 * time in the process). On the first call ever
 * the slot is only recorded, as if run: a new installation waits for the next
 * slot instead of running at start-up. Returns whether to run it now.
 */
export async function claimScheduledRun(sql: Sql, name: string, slot: Date, holder: string): Promise<boolean> {
  // A new row is recorded as finished (not run); an updated one is a claimed run.
  const rows = await sql<{ run: boolean }[]>`
    insert into scheduled_runs (name, slot, holder, finished_at) values (${name}, ${slot}, ${holder}, now())
    on conflict (name) do update set slot = excluded.slot, holder = excluded.holder, started_at = now(), finished_at = null
      where scheduled_runs.slot < excluded.slot
        or (scheduled_runs.slot = excluded.slot and scheduled_runs.finished_at is null)
    returning finished_at is null as run`;
  return rows[0]?.run === true;
}

/** Records that the run of `name` for `slot` finished. */
export async function finishScheduledRun(sql: Sql, name: string, slot: Date, holder: string): Promise<void> {
  await sql`update scheduled_runs set finished_at = now() where name = ${name} and slot = ${slot} and holder = ${holder}`;
}
