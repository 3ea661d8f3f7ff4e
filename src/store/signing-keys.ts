import type { Sql } from './database.js';

export interface SigningKeyRow {
  /** `<name>+<key ID as 8 hex digits>`, as the signature line of a checkpoint names it. */
  keyId: string;
  verifierKey: string;
  publicKey: Buffer;
  /** The first tree size the key may sign. */
  firstTreeSize: number;
  /** Where its signing_key_rotated event is in the log; null for the log's first key. */
  rotationSeq: number | null;
  /** Whether the key before it signed a handover checkpoint over that event. */
  handover: boolean;
  recordedAt: Date;
  /** When the next key took over (null: the key in use). */
  retiredAt: Date | null;
}

/** Every key that has signed this log's checkpoints, in the order they took over. */
export async function listSigningKeys(sql: Sql): Promise<SigningKeyRow[]> {
  return sql<SigningKeyRow[]>`
    select key_id, verifier_key, public_key, first_tree_size::int as first_tree_size, rotation_seq::int as rotation_seq, handover, recorded_at,
      lead(recorded_at) over (order by first_tree_size, recorded_at) as retired_at
    from signing_keys order by first_tree_size, recorded_at`;
}

/** The verifier key that signs now (the last recorded), or null before any was recorded. */
export async function currentVerifierKey(sql: Sql): Promise<string | null> {
  const [row] = await sql<{ verifierKey: string }[]>`select verifier_key from signing_keys order by first_tree_size desc, recorded_at desc limit 1`;
  return row?.verifierKey ?? null;
}

export async function insertSigningKey(sql: Sql, k: Omit<SigningKeyRow, 'recordedAt' | 'retiredAt'>): Promise<void> {
  await sql`insert into signing_keys (key_id, verifier_key, public_key, first_tree_size, rotation_seq, handover)
    values (${k.keyId}, ${k.verifierKey}, ${k.publicKey}, ${k.firstTreeSize}, ${k.rotationSeq}, ${k.handover})`;
}

/** The data of the latest event of `type` and its position, or null (the type index makes this one index read). */
export async function latestEventOfType(sql: Sql, type: string): Promise<{ seq: number; data: Record<string, unknown> } | null> {
  const [row] = await sql<{ seq: number; leaf: string | null }[]>`select seq::int as seq, leaf from audit_events where type = ${type} order by seq desc limit 1`;
  if (row === undefined) return null;
  return { seq: row.seq, data: row.leaf === null ? {} : ((JSON.parse(row.leaf) as { data?: Record<string, unknown> }).data ?? {}) };
}

/** The leaves of every event of `type`, by seq (for the few system events a verifier reads up front, such as key rotations). */
export async function leavesOfType(sql: Sql, type: string): Promise<{ seq: number; leaf: string | null }[]> {
  return sql<{ seq: number; leaf: string | null }[]>`select seq::int as seq, leaf from audit_events where type = ${type} order by seq`;
}
