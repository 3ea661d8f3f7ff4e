import type { Sql } from './database.js';
import { ownerFunctionCall } from './owner-function-error.js';

// The purges run inside the database, in functions the tables' owner defined
// (migrations/0008_owner_purges.sql): they decide from the database's clock and
// the log's recorded times and queue their own audit record in the same
// transaction. The service's role can call them but cannot purge otherwise.

export interface PurgeResult {
  cutoff: string;
  sessions: number;
  events: number;
  texts: number;
  deliveries: number;
  deferred: number;
  /** Sessions past their period kept because a legal hold covers them, and those holds' ids. */
  held: number;
  holds: number[];
  /** Retention rules (per project or flow type) in force during the run. */
  rules: number;
  upToTreeSize: number;
}

export interface EraseResult {
  events: number;
  seqRanges: [number, number][];
  /** Sessions left as they were because a legal hold covers them, with the holds' ids. */
  skippedHeld: { session_id: string; holds: number[] }[];
}

/** Retention: purges what ended more than `days` ago (refused below the owner's minimum); recorded as retention_purged. */
export async function purgeExpired(sql: Sql, days: number, actor: string): Promise<PurgeResult> {
  const [row] = await ownerFunctionCall(sql<{ r: PurgeResult }[]>`select flowtrail_purge_expired(${days}::int, ${actor}) as r`);
  return row!.r;
}

/** Erases the free texts of a session or of every session a person initiated; recorded as personal_data_erased. */
export async function eraseSessionTexts(sql: Sql, scope: { sessionId?: string; username?: string }, actor: string, reason: string | null): Promise<EraseResult> {
  const [row] = await ownerFunctionCall(sql<{ r: { events: number; seq_ranges: [number, number][]; skipped_held: EraseResult['skippedHeld'] } }[]>`
    select flowtrail_erase_texts(${scope.sessionId ?? null}::text, ${scope.username ?? null}::text, ${actor}, ${reason}::text) as r`);
  return { events: row!.r.events, seqRanges: row!.r.seq_ranges, skippedHeld: row!.r.skipped_held };
}

/** The shortest retention the database owner allows (set by `flowtrail migrate`). */
export async function retentionFloor(sql: Sql): Promise<number> {
  const [row] = await sql<{ minDays: number }[]>`select min_days from retention_policy where id = 1`;
  return row?.minDays ?? 1;
}

/** Sets that floor; only the tables' owner may (migrate runs as the owner). */
export async function setRetentionFloor(sql: Sql, days: number): Promise<void> {
  await sql`update retention_policy set min_days = ${days} where id = 1`;
}
