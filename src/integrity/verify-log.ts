// Streaming verification of a whole log: every leaf against its stored hash and its position,
// every checkpoint against its signature, its origin and the root recomputed from the leaves.
// Consecutive checkpoints are consistent because one leaf stream reproduces all their roots.
import { canonicalJson } from './canonical-json.js';
import { CheckpointError } from './checkpoint-error.js';
import { parseCheckpoint } from './checkpoint.js';
import { createDigestFrontier } from './digest-frontier.js';
import { candidateVerifiers, keyIdOf, keyProblem, resolveKeyHistory, rotationOfLeaf, signerOf, type KeyPeriod, type KeyRotation, type SignedCheckpoint } from './key-history.js';
import { readTopLevelSeq } from './read-top-level-seq.js';
import type { NoteVerifier } from './signed-note.js';

export interface LeafRecord {
  seq: number;
  /**
   * Canonical JSON text as stored, or null where retention purged it: the stored hash then stands
   * in for the leaf, still bound to its position by every later signed root.
   */
  leaf: string | null;
  /** Leaf hash as stored. */
  leafHash: Buffer;
}

export interface CheckpointRecord {
  treeSize: number;
  note: string;
}

export interface CheckpointStatus {
  treeSize: number;
  /** 'valid' or 'INVALID: <reason>'. */
  status: string;
  /** The key whose signature verified (`<name>+<hex8>`), when one did. */
  keyId?: string;
}

/** A key of the log's history (or a pinned one) and the checkpoints it signed. */
export interface KeyUse extends KeyPeriod {
  /** How many checkpoints it signed, and their smallest and largest tree size (null when none). */
  signed: { count: number; from: number | null; to: number | null };
}

export interface LogVerification {
  ok: boolean;
  events: number;
  /** One per input checkpoint, in input order. */
  checkpoints: CheckpointStatus[];
  /** Every key of the history read from the log, and every pinned key, with the range it signed. */
  keys: KeyUse[];
  /** The signing_key_rotated events found in the log. */
  rotations: KeyRotation[];
  problems: string[];
}

export interface VerifyLogInput {
  /** Batches of leaves in seq order. */
  leaves: AsyncIterable<LeafRecord[]>;
  checkpoints: CheckpointRecord[];
  /** The keys the reader trusts (--key, or the installation's own key). */
  verifiers: NoteVerifier[];
  /**
   * Other keys the installation says it signed with (its signing_keys table). They verify a
   * checkpoint only where the key history in the log itself vouches for them.
   */
  knownKeys?: readonly string[];
  origin: string;
  /**
   * 'seq' (default): the leaf's top-level "seq" must equal its stored seq, read by a structural
   * scan. 'canonical': additionally JSON.parse every leaf and require canonicalJson to reproduce
   * it byte for byte; about 5x slower (bench/verify-pure.ts reports both), for audits, not routine runs.
   */
  leafCheck?: 'seq' | 'canonical';
}

interface PendingCheckpoint {
  index: number;
  treeSize: number;
  /** Signed root as a binary string, to compare with DigestFrontier roots. */
  root: string;
}

const MAX_LEAF_PROBLEMS = 1000;

export async function verifyLog(input: VerifyLogInput): Promise<LogVerification> {
  const statuses: CheckpointStatus[] = input.checkpoints.map((c) => ({ treeSize: c.treeSize, status: '' }));
  const pending = openCheckpoints(input, statuses);
  const leafProblems: string[] = [];
  let omitted = 0;
  let firstFault: { position: number; reason: string } | undefined;
  const fault = (position: number, reason: string): void => {
    firstFault ??= { position, reason };
    if (leafProblems.length < MAX_LEAF_PROBLEMS) leafProblems.push(reason);
    else omitted++;
  };

  const tree = createDigestFrontier();
  let next = 0;
  const settle = (): void => {
    const position = tree.size;
    for (let cp = pending[next]; cp !== undefined && cp.treeSize === position; cp = pending[++next]) {
      const status = statuses[cp.index];
      if (status === undefined) continue;
      if (firstFault !== undefined && firstFault.position < position) status.status = `INVALID: ${firstFault.reason}`;
      else status.status = tree.root() === cp.root ? 'valid' : 'INVALID: root mismatch';
    }
  };

  const canonical = input.leafCheck === 'canonical';
  const rotations: KeyRotation[] = [];
  let previousSeq = -1;
  settle();
  for await (const batch of input.leaves) {
    for (const record of batch) {
      const { seq, leaf } = record;
      const position = tree.size;
      if (seq !== previousSeq + 1) {
        if (seq > previousSeq + 1) fault(position, `gap at seq ${previousSeq + 1}`);
        else fault(position, seq === previousSeq ? `duplicate seq ${seq}` : `out of order at seq ${seq}`);
      }
      if (seq > previousSeq) previousSeq = seq;
      const stored = record.leafHash.toString('latin1');
      if (leaf === null) {
        if (stored.length !== 32) fault(position, `purged leaf has no valid hash at seq ${seq}`);
        tree.appendHash(stored);
      } else {
        if (tree.append(leaf) !== stored) fault(position, `leaf hash mismatch at seq ${seq}`);
        const rotation = rotationOfLeaf(leaf);
        if (rotation !== undefined) rotations.push(rotation);
        const problem = canonical ? canonicalProblem(leaf, seq) : seqProblem(leaf, seq);
        if (problem !== undefined) fault(position, problem);
      }
      if (pending[next]?.treeSize === tree.size) settle();
    }
  }

  for (const cp of pending.slice(next)) {
    const status = statuses[cp.index];
    if (status !== undefined) status.status = `INVALID: log truncated: has ${tree.size} events`;
  }
  const problems = omitted > 0 ? [...leafProblems, `... and ${omitted} more leaf problems`] : leafProblems;
  const keys = judgeSignatures(input, statuses, rotations, problems);
  for (const { treeSize, status } of statuses) {
    if (status !== 'valid') problems.push(`checkpoint ${treeSize}: ${status}`);
  }
  return { ok: problems.length === 0, events: tree.size, checkpoints: statuses, keys, rotations, problems };
}

/**
 * Reads every checkpoint's text without its signature; returns those to compare with a root, by
 * tree size. Signatures are judged after the leaves were read (judgeSignatures), because which
 * key may sign which tree size is written in the log itself.
 */
function openCheckpoints(input: VerifyLogInput, statuses: CheckpointStatus[]): PendingCheckpoint[] {
  const pending: PendingCheckpoint[] = [];
  input.checkpoints.forEach((record, index) => {
    const status = statuses[index];
    if (status === undefined) return;
    try {
      const cp = parseCheckpoint(record.note.slice(0, record.note.lastIndexOf('\n\n') + 1));
      if (cp.origin !== input.origin) status.status = `INVALID: origin mismatch: ${JSON.stringify(cp.origin)}`;
      else if (cp.size !== record.treeSize) status.status = `INVALID: size mismatch: note says ${cp.size}`;
      else pending.push({ index, treeSize: cp.size, root: cp.rootHash.toString('latin1') });
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      status.status = `INVALID: ${error.reason}`;
    }
  });
  return pending.sort((a, b) => a.treeSize - b.treeSize);
}

/**
 * Opens each checkpoint with every key the reader pins, the installation names or the log's
 * rotations introduce, then requires the key that signed it to be trusted and the tree size to be
 * in that key's period. A signature or key problem replaces the checkpoint's root status.
 */
function judgeSignatures(input: VerifyLogInput, statuses: CheckpointStatus[], rotations: KeyRotation[], problems: string[]): KeyUse[] {
  const pinned = input.verifiers.map((v) => v.verifierKey);
  const named = [...(input.knownKeys ?? []), ...rotations.flatMap((r) => [r.previousVerifierKey, r.verifierKey])];
  const verifiers = candidateVerifiers(input.verifiers, named);
  if (verifiers.length < new Set([...pinned, ...named]).size) problems.push('a key the installation or a rotation names is not a verifier key');
  const signedBy: (string | undefined)[] = input.checkpoints.map((record, index) => {
    try {
      return signerOf(record.note, verifiers, true);
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      const status = statuses[index];
      if (status !== undefined) status.status = `INVALID: ${error.reason}`;
      return undefined;
    }
  });
  const signed: SignedCheckpoint[] = signedBy.flatMap((k, i) => (k === undefined ? [] : [{ treeSize: input.checkpoints[i]!.treeSize, verifierKey: k }]));
  const history = resolveKeyHistory(pinned, rotations, signed);
  problems.push(...history.problems);
  signedBy.forEach((k, i) => {
    const status = statuses[i];
    if (k === undefined || status === undefined) return;
    const problem = keyProblem(history, k, input.checkpoints[i]!.treeSize);
    status.keyId = keyIdOf(k);
    if (problem !== undefined) status.status = `INVALID: ${problem}`;
  });
  return history.periods.map((p) => {
    const range = { count: 0, from: null as number | null, to: null as number | null };
    for (const c of signed) {
      if (c.verifierKey !== p.verifierKey) continue;
      range.count++;
      range.from = Math.min(range.from ?? c.treeSize, c.treeSize);
      range.to = Math.max(range.to ?? c.treeSize, c.treeSize);
    }
    return { ...p, signed: range };
  });
}

function seqProblem(leaf: string, seq: number): string | undefined {
  const inner = readTopLevelSeq(leaf);
  if (inner === seq) return undefined;
  return inner === undefined ? `leaf has no seq at seq ${seq}` : `seq mismatch at seq ${seq}: leaf says ${inner}`;
}

function canonicalProblem(leaf: string, seq: number): string | undefined {
  let parsed: unknown;
  let again: string;
  try {
    parsed = JSON.parse(leaf);
    again = canonicalJson(parsed);
  } catch (error) {
    // SyntaxError: not JSON; TypeError: JSON that has no canonical form (a lone surrogate escape).
    if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
    return `leaf is not canonical JSON at seq ${seq}`;
  }
  if (again !== leaf) return `leaf is not canonical JSON at seq ${seq}`;
  const inner = typeof parsed === 'object' && parsed !== null ? (parsed as { seq?: unknown }).seq : undefined;
  return inner === seq ? undefined : `seq mismatch at seq ${seq}: leaf says ${String(inner)}`;
}
