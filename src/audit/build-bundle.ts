import { randomUUID } from 'node:crypto';
import { buildInclusionProofs, consistencyProof, rotationOfLeaf, type Bundle } from '../integrity/index.js';
import type { Sanitizer } from '../sanitize/index.js';
import { exportFilterRecord } from './export-events.js';
import { latestCheckpoint, leafBatches, leavesOfType, listCheckpoints, listEvents, recordEvents, type EventFilters, type Sql } from '../store/index.js';

export interface BundleOptions {
  filters: EventFilters;
  actor: { id: string; role: string; username: string | null };
  channel: 'api' | 'cli';
  origin: string;
  verifierKey?: string;
  sanitizer: Sanitizer;
}

export interface BundleFile extends Bundle {
  format: 'flowtrail-bundle-v1';
  verifier_key?: string;
  /** The texts of the bundled events with their salts, so their commitments can be checked offline too. */
  texts: { seq: number; salt: string; value: Record<string, unknown> }[];
  /**
   * The log's key rotations up to the checkpoint: each signing_key_rotated leaf with its inclusion
   * proof, and the retiring key's handover checkpoint with a consistency proof to the bundle's
   * checkpoint, so a reader who pinned an older key can follow the chain to the key that signed.
   */
  key_history?: KeyHistoryEntry[];
}

export interface KeyHistoryEntry {
  seq: number;
  leaf: string;
  proof: string[];
  handover?: { checkpoint: string; consistency: string[] };
}

/**
 * A subset of the log (one session, one project, ...) with an inclusion proof
 * for each event against the latest signed checkpoint. Events appended after
 * that checkpoint are not in it: sign a checkpoint first to include them.
 */
export async function buildBundle(sql: Sql, o: BundleOptions): Promise<BundleFile> {
  const cp = await latestCheckpoint(sql);
  if (cp === null) throw new Error('the log has no signed checkpoint yet');
  await recordEvents(sql, [{
    eventId: randomUUID(), type: 'audit_export_performed', sessionId: null,
    occurredAt: new Date().toISOString(), source: 'system', username: o.actor.username,
    data: { format: 'bundle', filters: exportFilterRecord(o.filters, o.sanitizer), tree_size: cp.treeSize, actor: o.actor, channel: o.channel },
  }]);
  const selected: { seq: number; leaf: string; textSalt: Buffer | null; texts: Record<string, unknown> | null }[] = [];
  let after = -1;
  for (;;) {
    const rows = await listEvents(sql, o.filters, 1000, { after });
    for (const r of rows) if (r.seq < cp.treeSize && r.leaf !== null) selected.push({ seq: r.seq, leaf: r.leaf, textSalt: r.textSalt, texts: r.texts });
    if (rows.length < 1000 || rows[rows.length - 1]!.seq >= cp.treeSize) break;
    after = rows[rows.length - 1]!.seq;
  }
  const hashes: Buffer[] = [];
  for await (const batch of leafBatches(sql, 50_000)) {
    for (const r of batch) if (r.seq < cp.treeSize) hashes.push(r.leafHash);
  }
  const proofs = buildInclusionProofs(hashes, cp.treeSize, selected.map((s) => s.seq));
  const keyHistory = await keyHistoryOf(sql, hashes, cp.treeSize);
  return {
    format: 'flowtrail-bundle-v1',
    origin: o.origin,
    checkpoint: cp.note,
    verifier_key: o.verifierKey,
    events: selected.map((s, i) => ({ seq: s.seq, leaf: s.leaf, proof: proofs[i]! })),
    texts: selected.flatMap((s) => (s.textSalt === null || s.texts === null ? [] : [{ seq: s.seq, salt: s.textSalt.toString('base64'), value: s.texts }])),
    ...(keyHistory.length > 0 ? { key_history: keyHistory } : {}),
  };
}

/** Every rotation the checkpoint of `size` covers, proven against it, with its handover checkpoint when there is one. */
async function keyHistoryOf(sql: Sql, hashes: Buffer[], size: number): Promise<KeyHistoryEntry[]> {
  const rotations = (await leavesOfType(sql, 'signing_key_rotated')).filter((r): r is { seq: number; leaf: string } => r.leaf !== null && r.seq < size);
  if (rotations.length === 0) return [];
  const checkpoints = await listCheckpoints(sql);
  const proofs = buildInclusionProofs(hashes, size, rotations.map((r) => r.seq));
  return rotations.map((r, i) => {
    const handover = rotationOfLeaf(r.leaf)?.handover === true ? checkpoints.find((c) => c.treeSize === r.seq + 1) : undefined;
    return {
      seq: r.seq, leaf: r.leaf, proof: proofs[i]!,
      ...(handover === undefined ? {} : { handover: { checkpoint: handover.note, consistency: consistencyProof(handover.treeSize, size, hashes).map((h) => h.toString('base64')) } }),
    };
  });
}

/**
 * A bundle as every channel writes it: JSON indented by two spaces, so each event's seq, leaf and
 * proof hashes stand on lines of their own (docs/verify-by-hand.md reads them with grep and sed).
 */
export function formatBundle(bundle: unknown): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}
