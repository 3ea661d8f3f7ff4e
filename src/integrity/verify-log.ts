// Streaming verification of a whole log: every leaf against its stored hash and its position,
// every checkpoint against its signature, its origin and the root recomputed from the leaves.
// Consecutive checkpoints are consistent because one leaf stream reproduces all their roots.
import { canonicalJson } from './canonical-json.js';
import { CheckpointError } from './checkpoint-error.js';
import { openCheckpoint } from './checkpoint.js';
import { createDigestFrontier } from './digest-frontier.js';
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
}

export interface LogVerification {
  ok: boolean;
  events: number;
  /** One per input checkpoint, in input order. */
  checkpoints: CheckpointStatus[];
  problems: string[];
}

export interface VerifyLogInput {
  /** Batches of leaves in seq order. */
  leaves: AsyncIterable<LeafRecord[]>;
  checkpoints: CheckpointRecord[];
  verifiers: NoteVerifier[];
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
  for (const { treeSize, status } of statuses) {
    if (status !== 'valid') problems.push(`checkpoint ${treeSize}: ${status}`);
  }
  return { ok: problems.length === 0, events: tree.size, checkpoints: statuses, problems };
}

/** Opens every checkpoint note; returns those still to be compared with a root, by tree size. */
function openCheckpoints(input: VerifyLogInput, statuses: CheckpointStatus[]): PendingCheckpoint[] {
  const pending: PendingCheckpoint[] = [];
  input.checkpoints.forEach((record, index) => {
    const status = statuses[index];
    if (status === undefined) return;
    try {
      const cp = openCheckpoint(record.note, input.verifiers);
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
