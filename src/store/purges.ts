import type postgres from 'postgres';
import { AppError } from '../errors.js';
import type { Sql } from './database.js';

// The purges run inside the database, in functions the tables' owner defined
// (migrations/0008_owner_purges.sql): they decide from the database's clock and
// the log's recorded times and queue their own audit record in the same
// transaction. The service's role can call them but cannot purge otherwise.

const INVALID_PARAMETER_VALUE = '22023';

export interface PurgeResult {
  cutoff: string;
  sessions: number;
  events: number;
  texts: number;
  deliveries: number;
  deferred: number;
  upToTreeSize: number;
}

export interface EraseResult {
  events: number;
  seqRanges: [number, number][];
}

/** Retention: purges what ended more than `days` ago (refused below the owner's minimum); recorded as retention_purged. */
export async function purgeExpired(sql: Sql, days: number, actor: string): Promise<PurgeResult> {
  const [row] = await invalidAsAppError(sql<{ r: PurgeResult }[]>`select flowtrail_purge_expired(${days}::int, ${actor}) as r`);
  return row!.r;
}

/** Erases the free texts of a session or of every session a person initiated; recorded as personal_data_erased. */
export async function eraseSessionTexts(sql: Sql, scope: { sessionId?: string; username?: string }, actor: string, reason: string | null): Promise<EraseResult> {
  const [row] = await invalidAsAppError(sql<{ r: { events: number; seq_ranges: [number, number][] } }[]>`
    select flowtrail_erase_texts(${scope.sessionId ?? null}::text, ${scope.username ?? null}::text, ${actor}, ${reason}::text) as r`);
  return { events: row!.r.events, seqRanges: row!.r.seq_ranges };
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

async function invalidAsAppError<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (err) {
    if ((err as postgres.PostgresError).code === INVALID_PARAMETER_VALUE) {
      throw new AppError('invalid', (err as Error).message.replace(/^flowtrail: /, ''), { cause: err });
    }
    throw err;
  }
}
