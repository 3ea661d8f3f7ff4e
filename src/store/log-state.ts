import type { Sql } from './database.js';
import { AppError } from '../errors.js';

export interface LogState {
  size: number;
  /** The roots of the perfect subtrees (the compact range), left to right; stored concatenated. */
  frontier: Buffer[];
  /** Tree size of the latest signed checkpoint, null before the first. */
  checkpointSize: number | null;
}

/** The advisory lock that makes one writer at a time append to the log, across processes. */
export const LOG_LOCK = 7_426_002;

/** Takes the log lock for the rest of the transaction `tx`. */
export async function lockLog(tx: Sql): Promise<void> {
  await tx`select pg_advisory_xact_lock(${LOG_LOCK})`;
}

/** Must run inside the transaction that holds the log lock. */
export async function readLogState(tx: Sql): Promise<LogState> {
  const [row] = await tx<{ size: number; frontier: Buffer; checkpointSize: number | null }[]>`
    select size, frontier, checkpoint_size from log_state where id = 1 for update`;
  if (row === undefined) throw new Error('log_state row is missing: was the database migrated?');
  return { size: row.size, frontier: splitHashes(row.frontier), checkpointSize: row.checkpointSize };
}

export async function writeLogState(tx: Sql, state: LogState): Promise<void> {
  await tx`update log_state set size = ${state.size}, frontier = ${Buffer.concat(state.frontier)},
    checkpoint_size = ${state.checkpointSize} where id = 1`;
}

/**
 * The log's origin: fixed at first use from the configuration and stored, so
 * later changes of URL or port keep verifying. An explicit setting that
 * disagrees with the stored origin is a configuration error.
 */
export async function resolveLogOrigin(sql: Sql, configured: string, explicit: boolean): Promise<string> {
  const [row] = await sql<{ origin: string }[]>`update log_state set origin = coalesce(origin, ${configured}) where id = 1 returning origin`;
  if (row === undefined) throw new Error('log_state row is missing: was the database migrated?');
  if (explicit && row.origin !== configured) {
    throw new AppError('conflict', `FLOWTRAIL_LOG_ORIGIN is "${configured}" but this log was created as "${row.origin}"; unset it or set it to "${row.origin}"`);
  }
  return row.origin;
}

export function splitHashes(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 32 <= buf.length; i += 32) out.push(buf.subarray(i, i + 32));
  return out;
}
