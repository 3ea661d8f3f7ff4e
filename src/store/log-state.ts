import type { Sql } from './database.js';

export interface LogState {
  size: number;
  /** Concatenated 32-byte roots of the perfect subtrees (the compact range), left to right. */
  frontier: Buffer[];
}

/** Must run inside the transaction that holds the log lock. */
export async function readLogState(tx: Sql): Promise<LogState> {
  const [row] = await tx<{ size: number; frontier: Buffer }[]>`select size, frontier from log_state where id = 1 for update`;
  if (row === undefined) throw new Error('log_state row is missing: was the database migrated?');
  return { size: row.size, frontier: splitHashes(row.frontier) };
}

export async function writeLogState(tx: Sql, state: LogState): Promise<void> {
  await tx`update log_state set size = ${state.size}, frontier = ${Buffer.concat(state.frontier)} where id = 1`;
}

export function splitHashes(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i + 32 <= buf.length; i += 32) out.push(buf.subarray(i, i + 32));
  return out;
}
