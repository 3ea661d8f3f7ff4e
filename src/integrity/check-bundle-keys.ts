// A bundle's key history (key_history): the log's signing_key_rotated leaves, each proven against
// the bundle's checkpoint, with the retiring key's handover checkpoint and a consistency proof from
// it to the bundle's checkpoint. From the keys the reader trusts it works out, as flowtrail verify
// does on the whole log, which keys the chain vouches for and the tree sizes each may sign.
import { CheckpointError } from './checkpoint-error.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { decodeBase64 } from './decode-base64.js';
import {
  candidateVerifiers, keyProblem, resolveKeyHistory, rotationOfLeaf, signerOf, type KeyHistory, type KeyRotation, type SignedCheckpoint,
} from './key-history.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import type { NoteVerifier } from './signed-note.js';

export interface BundleKeys {
  /** The pinned keys and every key the chain vouches for. */
  verifiers: NoteVerifier[];
  history: KeyHistory;
  /** Why the bundle's checkpoint (or its earlier consistency checkpoint) may not be signed by the key that signed it. */
  keyProblem(note: string): string | undefined;
  problems: string[];
}

/** The keys to open a bundle's checkpoints with, from the reader's `pinned` keys and the bundle's key_history. */
export function checkBundleKeys(file: Record<string, unknown>, pinned: readonly NoteVerifier[]): BundleKeys {
  const problems: string[] = [];
  const entries = Array.isArray(file.key_history) ? (file.key_history as unknown[]) : [];
  const head = textOf(file.checkpoint as string);
  const rotations: KeyRotation[] = [];
  const handovers: string[] = [];
  for (const [i, raw] of entries.entries()) {
    const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const rotation = typeof e.leaf === 'string' ? rotationOfLeaf(e.leaf) : undefined;
    const proof = Array.isArray(e.proof) ? e.proof.map((p) => (typeof p === 'string' ? decodeBase64(p) : undefined)) : [];
    if (rotation === undefined || rotation.seq !== e.seq || head === undefined || !proof.every((h): h is Buffer => h?.length === 32)
      || !verifyInclusion(rotation.seq, head.size, leafHash(e.leaf as string), proof, head.rootHash)) {
      problems.push(`key history entry #${i + 1}: INVALID: not a signing_key_rotated event proven against the bundle's checkpoint`);
      continue;
    }
    rotations.push(rotation);
    const handover = e.handover as { checkpoint?: unknown; consistency?: unknown } | undefined;
    if (handover === undefined) continue;
    const earlier = typeof handover.checkpoint === 'string' ? textOf(handover.checkpoint) : undefined;
    const consistency = Array.isArray(handover.consistency) ? handover.consistency.map((p) => (typeof p === 'string' ? decodeBase64(p) : undefined)) : [];
    if (earlier === undefined || earlier.size !== rotation.seq + 1 || !consistency.every((h): h is Buffer => h?.length === 32)
      || !verifyConsistency(earlier.size, head!.size, earlier.rootHash, head!.rootHash, consistency)) {
      problems.push(`key history: the handover checkpoint of the rotation at seq ${rotation.seq}: INVALID: not a checkpoint of tree size ${rotation.seq + 1} consistent with the bundle's checkpoint`);
      continue;
    }
    handovers.push(handover.checkpoint as string);
  }
  const candidates = candidateVerifiers(pinned, rotations.flatMap((r) => [r.previousVerifierKey, r.verifierKey]));
  const signed: SignedCheckpoint[] = [...handovers, file.checkpoint as string].flatMap((note) => {
    const key = signerOf(note, candidates);
    const cp = textOf(note);
    return key === undefined || cp === undefined ? [] : [{ treeSize: cp.size, verifierKey: key }];
  });
  const history = resolveKeyHistory(pinned.map((v) => v.verifierKey), rotations, signed);
  problems.push(...history.problems.map((p) => `key history: INVALID: ${p}`));
  const trusted = history.periods.filter((p) => p.trust !== null).map((p) => p.verifierKey);
  return {
    verifiers: candidates.filter((v) => trusted.includes(v.verifierKey)),
    history,
    keyProblem(note) {
      const key = signerOf(note, candidates);
      const cp = textOf(note);
      return key === undefined || cp === undefined || rotations.length === 0 ? undefined : keyProblem(history, key, cp.size);
    },
    problems,
  };
}

/** The checkpoint a note carries, read without its signature. */
function textOf(note: string): Checkpoint | undefined {
  try {
    return parseCheckpoint(note.slice(0, note.lastIndexOf('\n\n') + 1));
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return undefined;
  }
}
