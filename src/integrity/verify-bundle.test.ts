import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { signCheckpoint } from './checkpoint.js';
import { consistencyProof, inclusionProof, leafHash, rootFromLeafHashes } from './merkle.js';
import { createNoteSigner, generateSigningKey, parseVerifierKey } from './signed-note.js';
import { buildInclusionProofs, verifyBundle, type Bundle } from './verify-bundle.js';

const origin = 'flowtrail.example/audit';
const key = generateSigningKey(origin);
const signer = createNoteSigner(key.privateKeyPem, origin);
const verifiers = [parseVerifierKey(key.verifierKey)];

const leaves = Array.from({ length: 37 }, (_, seq) =>
  canonicalJson({ seq, type: 'duo_flow_decision_logged', session_id: seq % 3 === 0 ? '9137' : '42', data: { step: seq } }),
);
const hashes = leaves.map((leaf) => leafHash(leaf));
const size = 37;
const checkpoint = signCheckpoint({ origin, size, rootHash: rootFromLeafHashes(hashes) }, signer);
const sessionSeqs = leaves.map((_, seq) => seq).filter((seq) => seq % 3 === 0);

function sessionBundle(): Bundle {
  const proofs = buildInclusionProofs(hashes, size, sessionSeqs);
  return {
    origin,
    checkpoint,
    events: sessionSeqs.map((seq, i) => ({ seq, leaf: leaves[seq]!, proof: proofs[i]! })),
  };
}

describe('verifyBundle', () => {
  it('builds the same proofs as inclusionProof, and they verify', () => {
    const proofs = buildInclusionProofs(hashes, size, sessionSeqs);
    sessionSeqs.forEach((seq, i) => expect(proofs[i]).toEqual(inclusionProof(seq, size, hashes).map((h) => h.toString('base64'))));
    const result = verifyBundle(sessionBundle(), verifiers);
    expect(result).toMatchObject({ ok: true, treeSize: 37, checkpoint: 'valid', problems: [] });
    expect(result.events.every((e) => e.status === 'valid')).toBe(true);
    expect(result.events).toHaveLength(13);
  });

  it('detects one altered event and leaves the others valid', () => {
    const bundle = sessionBundle();
    const altered = bundle.events[4]!;
    bundle.events[4] = { ...altered, leaf: altered.leaf.replace('"step":12', '"step":13') };
    const result = verifyBundle(bundle, verifiers);
    expect(result.ok).toBe(false);
    expect(result.events[4]).toEqual({ seq: 12, status: 'INVALID: inclusion proof does not verify' });
    expect(result.events.filter((e) => e.status === 'valid')).toHaveLength(12);
    expect(result.problems).toEqual(['event 12: INVALID: inclusion proof does not verify']);
  });

  it('detects a moved event, a bad proof and a non-canonical leaf', () => {
    const bundle = sessionBundle();
    bundle.events[1] = { ...bundle.events[1]!, seq: 4 };
    bundle.events[2] = { ...bundle.events[2]!, proof: ['not base64!'] };
    bundle.events[3] = { ...bundle.events[3]!, leaf: bundle.events[3]!.leaf.replace(':', ': ') };
    bundle.events[5] = { ...bundle.events[5]!, seq: 99 };
    expect(verifyBundle(bundle, verifiers).events.slice(1, 6).map((e) => e.status)).toEqual([
      'INVALID: seq mismatch: leaf says 3',
      'INVALID: malformed proof',
      'INVALID: leaf is not canonical JSON',
      'valid',
      'INVALID: seq beyond checkpoint size 37',
    ]);
  });

  it('rejects a bundle whose checkpoint was re-signed by an unknown key', () => {
    const other = generateSigningKey(origin);
    const resigned = signCheckpoint({ origin, size, rootHash: rootFromLeafHashes(hashes) }, createNoteSigner(other.privateKeyPem, origin));
    const result = verifyBundle({ ...sessionBundle(), checkpoint: resigned }, verifiers);
    expect(result.ok).toBe(false);
    expect(result.checkpoint).toBe('INVALID: unknown key');
    expect(result.treeSize).toBeUndefined();
    expect(result.events.every((e) => e.status === 'INVALID: checkpoint not verified')).toBe(true);
  });

  it('rejects a checkpoint of another origin than the bundle claims', () => {
    expect(verifyBundle({ ...sessionBundle(), origin: 'elsewhere.example/log' }, verifiers).checkpoint).toBe(
      'INVALID: origin mismatch: "flowtrail.example/audit"',
    );
  });

  it('verifies an optional consistency proof from an earlier checkpoint', () => {
    const earlier = signCheckpoint({ origin, size: 20, rootHash: rootFromLeafHashes(hashes.slice(0, 20)) }, signer);
    const proof = consistencyProof(20, size, hashes).map((h) => h.toString('base64'));
    expect(verifyBundle({ ...sessionBundle(), consistency: { checkpoint: earlier, proof } }, verifiers)).toMatchObject({
      ok: true,
      consistency: 'valid',
    });
    const forked = signCheckpoint({ origin, size: 20, rootHash: leafHash('fork') }, signer);
    const result = verifyBundle({ ...sessionBundle(), consistency: { checkpoint: forked, proof } }, verifiers);
    expect(result.consistency).toBe('INVALID: not consistent with checkpoint 20');
    expect(result.ok).toBe(false);
  });
});
