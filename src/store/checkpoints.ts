import type { Sql } from './database.js';
import { splitHashes } from './log-state.js';

export interface CheckpointRow {
  treeSize: number;
  rootHash: Buffer;
  note: string;
  frontier: Buffer[];
  createdAt: Date;
}

export async function insertCheckpoint(tx: Sql, c: Omit<CheckpointRow, 'createdAt'>): Promise<void> {
  await tx`insert into checkpoints (tree_size, root_hash, note, frontier)
    values (${c.treeSize}, ${c.rootHash}, ${c.note}, ${Buffer.concat(c.frontier)})`;
}

export async function listCheckpoints(sql: Sql): Promise<CheckpointRow[]> {
  const rows = await sql<(Omit<CheckpointRow, 'frontier'> & { frontier: Buffer })[]>`
    select tree_size, root_hash, note, frontier, created_at from checkpoints order by tree_size`;
  return rows.map((r) => ({ ...r, frontier: splitHashes(r.frontier) }));
}

export async function latestCheckpoint(sql: Sql): Promise<CheckpointRow | null> {
  const [r] = await sql<(Omit<CheckpointRow, 'frontier'> & { frontier: Buffer })[]>`
    select tree_size, root_hash, note, frontier, created_at from checkpoints order by tree_size desc limit 1`;
  return r === undefined ? null : { ...r, frontier: splitHashes(r.frontier) };
}
