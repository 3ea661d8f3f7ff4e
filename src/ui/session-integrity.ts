import { leafHash, openCheckpoint, type NoteVerifier } from '../integrity/index.js';
import { latestCheckpoint, type Sql, type StoredEvent } from '../store/index.js';

export interface IntegrityStatus {
  events: number;
  /** Events whose stored leaf no longer hashes to their leaf hash (edited rows). */
  mismatched: number[];
  purged: number;
  /** The newest checkpoint, if its signature verifies with this installation's keys. */
  checkpoint: { treeSize: number; createdAt: Date; signatureValid: boolean } | null;
  /** Events after that checkpoint (signed at the next one). */
  uncovered: number;
}

/**
 * What a page can say about the integrity of some events without reading the
 * whole log: each leaf still hashes to its recorded hash, and the signed
 * checkpoint covering them. `flowtrail verify` proves the chain itself.
 */
export async function integrityOf(sql: Sql, rows: readonly StoredEvent[], verifiers: readonly NoteVerifier[]): Promise<IntegrityStatus> {
  const mismatched = rows.filter((r) => r.leaf !== null && !leafHash(r.leaf).equals(r.leafHash)).map((r) => r.seq);
  const cp = await signedCheckpoint(sql, verifiers);
  const size = cp?.treeSize ?? 0;
  return {
    events: rows.length,
    mismatched,
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
