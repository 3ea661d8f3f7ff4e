// Which key may sign which checkpoints of a log whose signing key was rotated.
//
// Every key after the first is introduced by a signing_key_rotated event in the log itself, at seq
// s, naming the new and the retired key. The retired key signs checkpoints up to tree size s (s + 1
// when it signed a handover checkpoint over the event); the new key signs only tree sizes above s,
// so every checkpoint it signs covers the event that introduced it.
//
// A key is trusted when the reader pins it (--key, or the installation's own key), or by the chain:
// forward, when the trusted retired key signed the handover checkpoint over the rotation (it
// vouches for its successor); backward, when a trusted new key signed a checkpoint covering the
// rotation event that names the key before it. A key that someone merely wrote into a table, or
// introduced by a rotation event no trusted key signed over, is never trusted.
import { CheckpointError } from './checkpoint-error.js';
import { openNote, parseVerifierKey, type NoteVerifier } from './signed-note.js';

export interface KeyRotation {
  /** Position of the signing_key_rotated event in the log. */
  seq: number;
  verifierKey: string;
  previousVerifierKey: string;
  handover: boolean;
}

export type KeyTrust = 'pinned' | 'handover' | 'successor';

export interface KeyPeriod {
  verifierKey: string;
  /** `<name>+<hex8>`, as a signature line names the key. */
  keyId: string;
  /** The tree sizes it may sign, inclusive; lastTreeSize null while it is the key in use. */
  firstTreeSize: number;
  lastTreeSize: number | null;
  /** The seq of the rotation that introduced it (null: the log's first key, or a pinned key outside the history). */
  introducedAt: number | null;
  /** Why it is trusted: pinned by the reader, vouched for by its predecessor's handover, or named by a trusted successor; null: not trusted. */
  trust: KeyTrust | null;
}

export interface KeyHistory {
  periods: KeyPeriod[];
  /** Rotations that do not chain (a rotation from a key that was not in use, a key introduced twice). */
  problems: string[];
}

/** A checkpoint whose signature verified under `verifierKey`. */
export interface SignedCheckpoint {
  treeSize: number;
  verifierKey: string;
}

export function keyIdOf(verifierKey: string): string {
  const v = parseVerifierKey(verifierKey);
  return `${v.name}+${v.keyHash.toString(16).padStart(8, '0')}`;
}

/** The periods of every key of the history and of every pinned key, with the trust each earns. */
export function resolveKeyHistory(pinned: readonly string[], rotations: readonly KeyRotation[], signed: readonly SignedCheckpoint[]): KeyHistory {
  const problems: string[] = [];
  const sorted = [...rotations].sort((a, b) => a.seq - b.seq);
  const chain: KeyPeriod[] = [];
  if (sorted.length > 0) {
    chain.push(period(sorted[0]!.previousVerifierKey, 0, null));
    for (const r of sorted) {
      const current = chain[chain.length - 1]!;
      if (r.previousVerifierKey !== current.verifierKey) {
        problems.push(`the rotation at seq ${r.seq} retires key ${safeId(r.previousVerifierKey)}, but the key in use then was ${current.keyId}`);
      }
      if (chain.some((p) => p.verifierKey === r.verifierKey)) problems.push(`the rotation at seq ${r.seq} brings back key ${safeId(r.verifierKey)}, which had already signed: a retired key never signs again`);
      current.lastTreeSize = r.seq + (r.handover ? 1 : 0);
      chain.push(period(r.verifierKey, r.seq + 1, r.seq));
    }
  }
  const inChain = new Set(chain.map((p) => p.verifierKey));
  for (const p of chain) if (pinned.includes(p.verifierKey)) p.trust = 'pinned';
  const signedBy = (key: string, from: number, to: number | null) =>
    signed.some((c) => c.verifierKey === key && c.treeSize >= from && (to === null || c.treeSize <= to));
  for (let changed = true; changed;) {
    changed = false;
    sorted.forEach((r, i) => {
      const before = chain[i]!;
      const after = chain[i + 1]!;
      // Forward: the retired key signed the handover checkpoint, whose last leaf is the rotation event.
      if (before.trust !== null && after.trust === null && r.handover && signedBy(before.verifierKey, r.seq + 1, r.seq + 1)) {
        after.trust = 'handover';
        changed = true;
      }
      // Backward: the new key signed a checkpoint covering the event that names the key before it.
      if (after.trust !== null && before.trust === null && signedBy(after.verifierKey, r.seq + 1, after.lastTreeSize)) {
        before.trust = 'successor';
        changed = true;
      }
    });
  }
  // A pinned key the log's history does not name (say, one used before rotations were recorded) may sign any tree size.
  const outside = pinned.filter((k, i) => !inChain.has(k) && pinned.indexOf(k) === i).map((k) => ({ ...period(k, 0, null), trust: 'pinned' as const }));
  return { periods: [...chain, ...outside], problems };
}

/** Why a checkpoint of `treeSize` signed by `verifierKey` is not acceptable, or undefined when it is. */
export function keyProblem(history: KeyHistory, verifierKey: string, treeSize: number): string | undefined {
  const candidates = history.periods.filter((p) => p.verifierKey === verifierKey);
  if (candidates.length === 0) return `unknown key: signed by ${safeId(verifierKey)}, which neither the log's key history nor --key names`;
  const trusted = candidates.filter((p) => p.trust !== null);
  if (trusted.length === 0) {
    const p = candidates[0]!;
    return `untrusted key: signed by ${p.keyId}, introduced at seq ${p.introducedAt ?? '?'} without a handover checkpoint by a trusted key and not named by a trusted successor (pass --key for it if you hold it from a trusted source)`;
  }
  if (trusted.some((p) => treeSize >= p.firstTreeSize && (p.lastTreeSize === null || treeSize <= p.lastTreeSize))) return undefined;
  const p = trusted[0]!;
  return `key outside its period: ${p.keyId} may sign tree sizes ${p.firstTreeSize} to ${p.lastTreeSize ?? 'now'}, this checkpoint is of ${treeSize}`;
}

function period(verifierKey: string, firstTreeSize: number, introducedAt: number | null): KeyPeriod {
  return { verifierKey, keyId: safeId(verifierKey), firstTreeSize, lastTreeSize: null, introducedAt, trust: null };
}

function safeId(verifierKey: string): string {
  try {
    return keyIdOf(verifierKey);
  } catch {
    return JSON.stringify(verifierKey.slice(0, 60));
  }
}

/** The rotation a leaf records, when it is a signing_key_rotated event (cheap to call on every leaf). */
export function rotationOfLeaf(leaf: string): KeyRotation | undefined {
  if (!leaf.includes('"signing_key_rotated"')) return undefined;
  let parsed: { type?: unknown; seq?: unknown; data?: Record<string, unknown> };
  try {
    parsed = JSON.parse(leaf) as typeof parsed;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return undefined;
  }
  const d = parsed.data ?? {};
  if (parsed.type !== 'signing_key_rotated' || typeof parsed.seq !== 'number') return undefined;
  if (typeof d.verifier_key !== 'string' || typeof d.previous_verifier_key !== 'string') return undefined;
  return { seq: parsed.seq, verifierKey: d.verifier_key, previousVerifierKey: d.previous_verifier_key, handover: d.handover === true };
}

const TRUST_WORDS: Record<KeyTrust, string> = {
  pinned: 'trusted: given as a trusted key',
  handover: 'trusted: its predecessor signed the handover checkpoint over its rotation',
  successor: 'trusted: named as the retired key by a trusted successor',
};

/** One line for a key: why it is trusted, the tree sizes it may sign and those it signed. */
export function describeKeyUse(k: KeyPeriod & { signed: { count: number; from: number | null; to: number | null } }): string {
  const period = `may sign tree sizes ${k.firstTreeSize} to ${k.lastTreeSize ?? 'now'}`;
  const signed = k.signed.count === 0 ? 'signed no checkpoint' : `signed ${k.signed.count} checkpoint${k.signed.count === 1 ? '' : 's'}, tree sizes ${k.signed.from} to ${k.signed.to}`;
  const introduced = k.introducedAt === null ? '' : `, introduced at seq ${k.introducedAt}`;
  return `key ${k.keyId}: ${k.trust === null ? 'NOT trusted' : TRUST_WORDS[k.trust]}${introduced}; ${period}; ${signed}`;
}

/** The pinned verifiers and every other parseable key, once each. */
export function candidateVerifiers(pinned: readonly NoteVerifier[], others: readonly string[]): NoteVerifier[] {
  const all = new Map<string, NoteVerifier>(pinned.map((v) => [v.verifierKey, v]));
  for (const k of others) {
    if (all.has(k)) continue;
    try {
      all.set(k, parseVerifierKey(k));
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
    }
  }
  return [...all.values()];
}

/** The verifier key whose signature on `note` verifies, or undefined (throws CheckpointError for a bad signature by a listed key when `strict`). */
export function signerOf(note: string, candidates: readonly NoteVerifier[], strict = false): string | undefined {
  try {
    const { signatures } = openNote(note, candidates);
    return candidates.find((v) => signatures.some((s) => s.name === v.name && s.keyHash === v.keyHash))?.verifierKey;
  } catch (error) {
    if (!(error instanceof CheckpointError) || strict) throw error;
    return undefined;
  }
}
