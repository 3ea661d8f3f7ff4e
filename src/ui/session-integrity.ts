import { checkStoredRow } from '../audit/index.js';
import { leafHash, openCheckpoint, type NoteVerifier } from '../integrity/index.js';
import { latestCheckpoint, recordedRanges, verifyRowsOf, type Sql, type StoredEvent } from '../store/index.js';

export interface IntegrityStatus {
  events: number;
  /** Events whose stored leaf no longer hashes to their leaf hash (edited rows). */
  mismatched: number[];
  /** What else no longer matches its leaf: indexed columns, texts against their commitments, texts missing without a recorded erasure. */
  altered: string[];
  purged: number;
  /** The newest checkpoint, if its signature verifies with this installation's keys. */
  checkpoint: { treeSize: number; createdAt: Date; signatureValid: boolean } | null;
  /** Events after that checkpoint (signed at the next one). */
  uncovered: number;
}

/**
 * What a page can say about the integrity of the events it shows without
 * reading the whole log: each leaf still hashes to its recorded hash, its
 * indexed columns and texts still match it (as `flowtrail verify` checks them),
 * and the signed checkpoint covering them. `flowtrail verify` proves the chain itself.
 */
export async function integrityOf(sql: Sql, rows: readonly StoredEvent[], verifiers: readonly NoteVerifier[]): Promise<IntegrityStatus> {
  const mismatched = rows.filter((r) => r.leaf !== null && !leafHash(r.leaf).equals(r.leafHash)).map((r) => r.seq);
  const [cp, stored, erased] = await Promise.all([
    signedCheckpoint(sql, verifiers), verifyRowsOf(sql, rows.map((r) => r.seq)), recordedRanges(sql, 'personal_data_erased'),
  ]);
  const altered = stored.flatMap((r) => (r.leaf === null ? [] : checkStoredRow({ ...r, leaf: r.leaf }, erased).problems));
  const size = cp?.treeSize ?? 0;
  return {
    events: rows.length,
    mismatched,
    altered,
    purged: rows.filter((r) => r.leaf === null).length,
    checkpoint: cp,
    uncovered: rows.filter((r) => r.seq >= size).length,
  };
}

/** The newest checkpoint and whether its signature verifies with this installation's keys. */
export async function signedCheckpoint(sql: Sql, verifiers: readonly NoteVerifier[]): Promise<IntegrityStatus['checkpoint']> {
  const cp = await latestCheckpoint(sql);
  if (cp === null) return null;
  let signatureValid = false;
  try {
    const opened = openCheckpoint(cp.note, verifiers);
    signatureValid = opened.size === cp.treeSize && opened.rootHash.equals(cp.rootHash);
  } catch {
    signatureValid = false;
  }
  return { treeSize: cp.treeSize, createdAt: cp.createdAt, signatureValid };
}
