// Offline bundles: a subset of events, each with an inclusion proof against one signed checkpoint,
// optionally with a consistency proof from an earlier checkpoint the reader already trusts.
import { canonicalJson } from './canonical-json.js';
import { CheckpointError } from './checkpoint-error.js';
import { openCheckpoint, type OpenedCheckpoint } from './checkpoint.js';
import { decodeBase64 } from './decode-base64.js';
import { buildLevels, leafHash, pathFromLevels, verifyConsistency, verifyInclusion } from './merkle.js';
import type { NoteVerifier } from './signed-note.js';

export interface BundleEvent {
  seq: number;
  /** Canonical JSON text of the event, exactly as hashed into the log. */
  leaf: string;
  /** Base64 inclusion proof of leaf `seq` in the tree of the checkpoint's size. */
  proof: string[];
}

export interface BundleConsistency {
  /** An earlier checkpoint note of the same log. */
  checkpoint: string;
  /** Base64 consistency proof from its size to the bundle checkpoint's size. */
  proof: string[];
}

export interface Bundle {
  origin: string;
  /** Signed checkpoint note the proofs lead to. */
  checkpoint: string;
  events: BundleEvent[];
  consistency?: BundleConsistency;
}

export interface EventStatus {
  seq: number;
  /** 'valid' or 'INVALID: <reason>'. */
  status: string;
}

export interface BundleVerification {
  ok: boolean;
  /** Tree size of the bundle checkpoint, when it could be opened. */
  treeSize?: number;
  /** 'valid' or 'INVALID: <reason>'. */
  checkpoint: string;
  events: EventStatus[];
  /** Present when the bundle carries a consistency proof. */
  consistency?: string;
  problems: string[];
}

export function verifyBundle(bundle: Bundle, verifiers: readonly NoteVerifier[]): BundleVerification {
  const opened = openBundleCheckpoint(bundle.checkpoint, bundle.origin, verifiers);
  const cp = typeof opened === 'string' ? undefined : opened;
  const checkpoint = typeof opened === 'string' ? `INVALID: ${opened}` : 'valid';
  const events = bundle.events.map((event) => ({
    seq: event.seq,
    status: cp === undefined ? 'INVALID: checkpoint not verified' : eventStatus(event, cp),
  }));
  const consistency =
    bundle.consistency === undefined ? undefined : consistencyStatus(bundle.consistency, bundle.origin, cp, verifiers);

  const problems: string[] = [];
  if (checkpoint !== 'valid') problems.push(`checkpoint: ${checkpoint}`);
  if (consistency !== undefined && consistency !== 'valid') problems.push(`consistency: ${consistency}`);
  for (const { seq, status } of events) if (status !== 'valid') problems.push(`event ${seq}: ${status}`);
  return {
    ok: problems.length === 0,
    ...(cp === undefined ? {} : { treeSize: cp.size }),
    checkpoint,
    events,
    ...(consistency === undefined ? {} : { consistency }),
    problems,
  };
}

/**
 * Base64 inclusion proofs for leaves `seqs` in the tree of `size`, from all leaf hashes. Builds
 * the tree's complete nodes once, so each proof then costs O(log n) rather than O(n).
 */
export function buildInclusionProofs(hashes: readonly Buffer[], size: number, seqs: readonly number[]): string[][] {
  if (!Number.isSafeInteger(size) || size < 1 || size > hashes.length) {
    throw new RangeError(`size must be between 1 and ${hashes.length}, got ${size}`);
  }
  const levels = buildLevels(hashes, size);
  return seqs.map((seq) => {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= size) throw new RangeError(`seq ${seq} is not in [0, ${size})`);
    return pathFromLevels(levels, seq, size).map((hash) => hash.toString('base64'));
  });
}

function eventStatus(event: BundleEvent, cp: OpenedCheckpoint): string {
  if (!Number.isSafeInteger(event.seq) || event.seq < 0) return 'INVALID: bad seq';
  if (event.seq >= cp.size) return `INVALID: seq beyond checkpoint size ${cp.size}`;
  const proof = decodeProof(event.proof);
  if (proof === undefined) return 'INVALID: malformed proof';
  const problem = leafProblem(event);
  if (problem !== undefined) return `INVALID: ${problem}`;
  const ok = verifyInclusion(event.seq, cp.size, leafHash(event.leaf), proof, cp.rootHash);
  return ok ? 'valid' : 'INVALID: inclusion proof does not verify';
}

function leafProblem(event: BundleEvent): string | undefined {
  let parsed: unknown;
  let again: string;
  try {
    parsed = JSON.parse(event.leaf);
    again = canonicalJson(parsed);
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
    return 'leaf is not canonical JSON';
  }
  if (again !== event.leaf) return 'leaf is not canonical JSON';
  const inner = typeof parsed === 'object' && parsed !== null ? (parsed as { seq?: unknown }).seq : undefined;
  return inner === event.seq ? undefined : `seq mismatch: leaf says ${String(inner)}`;
}

function consistencyStatus(
  consistency: BundleConsistency,
  origin: string,
  cp: OpenedCheckpoint | undefined,
  verifiers: readonly NoteVerifier[],
): string {
  if (cp === undefined) return 'INVALID: checkpoint not verified';
  const earlier = openBundleCheckpoint(consistency.checkpoint, origin, verifiers);
  if (typeof earlier === 'string') return `INVALID: earlier checkpoint: ${earlier}`;
  const proof = decodeProof(consistency.proof);
  if (proof === undefined) return 'INVALID: malformed proof';
  const ok = verifyConsistency(earlier.size, cp.size, earlier.rootHash, cp.rootHash, proof);
  return ok ? 'valid' : `INVALID: not consistent with checkpoint ${earlier.size}`;
}

/** The opened checkpoint, or the reason it cannot be used. */
function openBundleCheckpoint(
  note: string,
  origin: string,
  verifiers: readonly NoteVerifier[],
): OpenedCheckpoint | string {
  try {
    const cp = openCheckpoint(note, verifiers);
    return cp.origin === origin ? cp : `origin mismatch: ${JSON.stringify(cp.origin)}`;
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return error.reason;
  }
}

function decodeProof(proof: readonly string[]): Buffer[] | undefined {
  const hashes = proof.map(decodeBase64);
  return hashes.every((h): h is Buffer => h !== undefined && h.length === 32) ? hashes : undefined;
}
