import {
  candidateVerifiers, resolveKeyHistory, rotationOfLeaf, signerOf, type KeyHistory, type KeyRotation, type NoteVerifier, type SignedCheckpoint,
} from '../integrity/index.js';
import { leavesOfType, listCheckpoints, listSigningKeys, type CheckpointRow, type Sql } from '../store/index.js';

export interface LogKeyHistory {
  history: KeyHistory;
  rotations: KeyRotation[];
  /** Every key a checkpoint may be opened with: the pinned ones, the recorded ones, those rotations name. */
  candidates: NoteVerifier[];
  checkpoints: CheckpointRow[];
}

/**
 * The log's key history as its rotation events and its own checkpoints establish it, trusting
 * `pinned` (for checks that read a few checkpoints, not the whole log: a witness's copies, bundles;
 * `flowtrail verify` derives the same from the leaves it reads anyway).
 */
export async function readLogKeyHistory(sql: Sql, pinned: readonly NoteVerifier[]): Promise<LogKeyHistory> {
  const [leaves, recorded, checkpoints] = await Promise.all([leavesOfType(sql, 'signing_key_rotated'), listSigningKeys(sql), listCheckpoints(sql)]);
  const rotations = leaves.flatMap((l) => {
    const r = l.leaf === null ? undefined : rotationOfLeaf(l.leaf);
    return r === undefined || r.seq !== l.seq ? [] : [r];
  });
  const candidates = candidateVerifiers(pinned, [...recorded.map((k) => k.verifierKey), ...rotations.flatMap((r) => [r.previousVerifierKey, r.verifierKey])]);
  const signed: SignedCheckpoint[] = checkpoints.flatMap((c) => {
    const key = signerOf(c.note, candidates);
    return key === undefined ? [] : [{ treeSize: c.treeSize, verifierKey: key }];
  });
  return { history: resolveKeyHistory(pinned.map((v) => v.verifierKey), rotations, signed), rotations, candidates, checkpoints };
}
