// Everything a bundle file is checked for, worded for a person: the checkpoint's signature and
// origin, each event's leaf (canonical JSON, its seq) and inclusion proof, the optional
// consistency proof, and each text against the commitment its leaf holds. `flowtrail verify
// --bundle` and the standalone verify-bundle.mjs (built from this file) print the same lines.
import { checkBundleKeys } from './check-bundle-keys.js';
import { commitText, commitmentOf } from './commit-text.js';
import { CheckpointError } from './checkpoint-error.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { decodeBase64 } from './decode-base64.js';
import { leafHash, verifyInclusion } from './merkle.js';
import type { NoteVerifier } from './signed-note.js';
import { verifyBundle, type Bundle, type BundleEvent } from './verify-bundle.js';

export interface BundleFileCheck {
  ok: boolean;
  /** Tree size of the bundle's checkpoint, when it verified. */
  treeSize?: number;
  events: number;
  texts: number;
  /** One line per finding, each naming what broke (event seq, proof, checkpoint, signature, text). */
  problems: string[];
  /** The lines to print: the checkpoint's status, every problem, and a closing verdict. */
  lines: string[];
}

/** Why a value read from a file is not a bundle at all (a usage error), or undefined. */
export function bundleShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const b = value as Record<string, unknown>;
  if (typeof b.origin !== 'string') return 'has no "origin" string';
  if (typeof b.checkpoint !== 'string') return 'has no "checkpoint" note';
  if (!Array.isArray(b.events)) return 'has no "events" array';
  if (b.texts !== undefined && !Array.isArray(b.texts)) return '"texts" is not an array';
  return undefined;
}

const REASON_WORDS: Record<string, string> = {
  'bad signature': 'bad signature (the checkpoint text or its signature was changed)',
  'unknown key': 'unknown key (no signature by a trusted verifier key)',
  'malformed note': 'malformed note (the checkpoint or its signature line is damaged)',
  'malformed checkpoint': 'malformed checkpoint (origin, size or root line is damaged)',
};

/** Checks a parsed bundle file (its shape already checked by bundleShapeProblem) against trusted keys. */
export function checkBundleFile(file: Record<string, unknown>, verifiers: readonly NoteVerifier[]): BundleFileCheck {
  const problems: string[] = [];
  const rawEvents = file.events as unknown[];
  const events: BundleEvent[] = [];
  rawEvents.forEach((e, i) => {
    const entry = wellFormedEvent(e);
    if (entry === undefined) problems.push(`event #${i + 1} in the file: INVALID: malformed entry (needs seq, leaf and proof)`);
    else events.push(entry);
  });
  const bundle: Bundle = { origin: file.origin as string, checkpoint: file.checkpoint as string, events };
  if (file.consistency !== undefined) bundle.consistency = file.consistency as Bundle['consistency'];
  // A rotated log: the key history the bundle carries extends the reader's keys along the chain, each to its period.
  const keys = checkBundleKeys(file, verifiers);
  problems.push(...keys.problems);
  const result = verifyBundle(bundle, keys.verifiers);
  const period = result.checkpoint === 'valid' ? keys.keyProblem(bundle.checkpoint) : undefined;
  if (period !== undefined) result.checkpoint = `INVALID: ${period}`;
  const earlier = result.consistency === 'valid' && bundle.consistency !== undefined ? keys.keyProblem(bundle.consistency.checkpoint) : undefined;
  if (earlier !== undefined) result.consistency = `INVALID: earlier checkpoint: ${earlier}`;
  let checkpoint = result.checkpoint.replace(/^INVALID: (.*)$/, (_, reason: string) => `INVALID: ${REASON_WORDS[reason] ?? reason}`);
  if (result.checkpoint === 'INVALID: bad signature') checkpoint = `INVALID: ${whichPartBroke(bundle)}`;
  if (checkpoint !== 'valid') problems.push(`checkpoint: ${checkpoint}`);
  if (result.consistency !== undefined && result.consistency !== 'valid') problems.push(`consistency proof: ${result.consistency}`);
  const unchecked = result.events.filter((e) => e.status === 'INVALID: checkpoint not verified').length;
  if (unchecked > 0) problems.push(`${unchecked} events not checked: their proofs lead to a checkpoint that did not verify`);
  for (const e of result.events) if (e.status !== 'valid' && e.status !== 'INVALID: checkpoint not verified') problems.push(`event ${e.seq}: ${e.status}`);
  const texts = Array.isArray(file.texts) ? file.texts : [];
  for (const t of texts) problems.push(...textProblems(t, events));
  const ok = problems.length === 0;
  const keyLines = keys.history.periods.length === 0 || !Array.isArray(file.key_history) ? [] : keys.history.periods.map((k) =>
    `key ${k.keyId}: ${k.trust === null ? 'NOT trusted' : `trusted (${k.trust})`}; may sign tree sizes ${k.firstTreeSize} to ${k.lastTreeSize ?? 'now'}`);
  const lines = [...keyLines, `checkpoint ${result.treeSize ?? '?'}: ${checkpoint}`, ...problems.filter((p) => !p.startsWith('checkpoint: '))];
  lines.push(`${events.length} events in bundle: ${ok ? 'valid' : 'INVALID'}`);
  return { ok, ...(result.treeSize === undefined ? {} : { treeSize: result.treeSize }), events: events.length, texts: texts.length, problems, lines };
}

/**
 * A signature that does not verify says the note changed, not which part. The events tell: if
 * their proofs still lead to the root the (unverified) checkpoint names, its text is what was
 * signed and the signature line changed; if none does, the checkpoint's text changed.
 */
function whichPartBroke(bundle: Bundle): string {
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(bundle.checkpoint.slice(0, bundle.checkpoint.lastIndexOf('\n\n') + 1));
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    return 'bad signature, and the checkpoint text is malformed';
  }
  const leads = bundle.events.filter((e) => {
    const proof = e.proof.map(decodeBase64);
    return proof.every((h): h is Buffer => h !== undefined) && verifyInclusion(e.seq, cp.size, leafHash(e.leaf), proof, cp.rootHash);
  }).length;
  if (bundle.events.length === 0) return 'bad signature (the checkpoint text or its signature was changed)';
  if (leads === bundle.events.length) return 'bad signature: the signature was changed (or made by another key); the events\' proofs do lead to the root the checkpoint names';
  if (leads === 0) return `bad signature: the checkpoint's text (origin, tree size ${cp.size} or root) was changed; the events' proofs do not lead to the root it names either`;
  return 'bad signature (the checkpoint text or its signature was changed)';
}

function wellFormedEvent(e: unknown): BundleEvent | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { seq, leaf, proof } = e as Record<string, unknown>;
  if (typeof seq !== 'number' || typeof leaf !== 'string' || !Array.isArray(proof) || !proof.every((p) => typeof p === 'string')) return undefined;
  return { seq, leaf, proof: proof as string[] };
}

/** Each text of an event must hash, with its salt, to the commitment its leaf holds for that field. */
function textProblems(t: unknown, events: readonly BundleEvent[]): string[] {
  const { seq, salt, value } = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
  const saltBytes = typeof salt === 'string' ? decodeBase64(salt) : undefined;
  if (typeof seq !== 'number' || saltBytes === undefined || typeof value !== 'object' || value === null) {
    return [`texts of event ${String(seq)}: INVALID: malformed entry (needs seq, base64 salt and value)`];
  }
  const event = events.find((e) => e.seq === seq);
  if (event === undefined) return [`texts of event ${seq}: INVALID: the bundle holds no such event`];
  let data: Record<string, unknown> | undefined;
  try {
    data = (JSON.parse(event.leaf) as { data?: Record<string, unknown> }).data;
  } catch {
    data = undefined;
  }
  const out: string[] = [];
  for (const [field, text] of Object.entries(value)) {
    const commitment = commitmentOf(data?.[field]);
    if (commitment === null || commitText(field, text, saltBytes) !== commitment) out.push(`event ${seq}: INVALID: text "${field}" does not match its commitment`);
  }
  return out;
}
