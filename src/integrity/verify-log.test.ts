import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { signCheckpoint } from './checkpoint.js';
import { appendLeaf, emptyRoot, frontierRoot, leafHash, type Frontier } from './merkle.js';
import { createNoteSigner, generateSigningKey, parseVerifierKey, type NoteSigner } from './signed-note.js';
import { verifyLog, type CheckpointRecord, type LeafRecord } from './verify-log.js';
import { keyIdOf } from './key-history.js';

const origin = 'flowtrail.example/audit';
const key = generateSigningKey(origin);
const signer = createNoteSigner(key.privateKeyPem, origin);
const verifiers = [parseVerifierKey(key.verifierKey)];

function leafText(seq: number, note = `event ${seq}`): string {
  return canonicalJson({
    seq,
    event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    type: 'duo_flow_decision_logged',
    session_id: '9137',
    data: { note, nested: { seq: seq + 1000 }, text: 'a "seq":7, inside a string' },
  });
}

/** A log of `n` leaves with checkpoints signed at `sizes`. */
function buildLog(n: number, sizes: number[], by: NoteSigner = signer) {
  const leaves: LeafRecord[] = [];
  const roots: Buffer[] = [emptyRoot()];
  let frontier: Frontier = [];
  for (let seq = 0; seq < n; seq++) {
    const leaf = leafText(seq);
    leaves.push({ seq, leaf, leafHash: leafHash(leaf) });
    frontier = appendLeaf(frontier, seq, leafHash(leaf));
    roots.push(frontierRoot(frontier));
  }
  const checkpoints: CheckpointRecord[] = sizes.map((treeSize) => ({
    treeSize,
    note: signCheckpoint({ origin, size: treeSize, rootHash: roots[treeSize]! }, by),
  }));
  return { leaves, checkpoints, roots };
}

async function* batches(leaves: LeafRecord[], size = 7): AsyncIterable<LeafRecord[]> {
  for (let i = 0; i < leaves.length; i += size) yield leaves.slice(i, i + size);
}

function run(leaves: LeafRecord[], checkpoints: CheckpointRecord[], leafCheck?: 'seq' | 'canonical') {
  return verifyLog({ leaves: batches(leaves), checkpoints, verifiers, origin, leafCheck });
}

const statuses = (result: { checkpoints: { treeSize: number; status: string }[] }) =>
  Object.fromEntries(result.checkpoints.map((c) => [c.treeSize, c.status]));

describe('verifyLog', () => {
  const sizes = [0, 10, 20, 30, 40];

  it('accepts an intact log, including the empty-tree checkpoint and an unsealed tail', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    for (const leafCheck of ['seq', 'canonical'] as const) {
      const result = await run(leaves, checkpoints, leafCheck);
      expect(result).toEqual({
        ok: true,
        events: 45,
        checkpoints: sizes.map((treeSize) => ({ treeSize, status: 'valid', keyId: keyIdOf(signer.verifierKey) })),
        keys: [expect.objectContaining({ verifierKey: signer.verifierKey, trust: 'pinned', signed: { count: sizes.length, from: Math.min(...sizes), to: Math.max(...sizes) } })],
        rotations: [],
        problems: [],
      });
    }
  });

  it('detects an edited leaf at the first checkpoint that covers it', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    leaves[17] = { ...leaves[17]!, leaf: leafText(17, 'rewritten') };
    const result = await run(leaves, checkpoints);
    expect(result.ok).toBe(false);
    expect(statuses(result)).toEqual({
      0: 'valid',
      10: 'valid',
      20: 'INVALID: leaf hash mismatch at seq 17',
      30: 'INVALID: leaf hash mismatch at seq 17',
      40: 'INVALID: leaf hash mismatch at seq 17',
    });
    expect(result.problems[0]).toBe('leaf hash mismatch at seq 17');
  });

  it('detects an edited stored hash', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    leaves[17] = { ...leaves[17]!, leafHash: leafHash('something else') };
    expect(statuses(await run(leaves, checkpoints))[20]).toBe('INVALID: leaf hash mismatch at seq 17');
  });

  it('detects a leaf rewritten together with its hash through the signed root', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    const forged = leafText(17, 'rewritten');
    leaves[17] = { seq: 17, leaf: forged, leafHash: leafHash(forged) };
    expect(statuses(await run(leaves, checkpoints))).toMatchObject({ 10: 'valid', 20: 'INVALID: root mismatch' });
  });

  it('detects a deleted event as a gap, and a duplicated one', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    const deleted = await run([...leaves.slice(0, 5), ...leaves.slice(6)], checkpoints);
    expect(statuses(deleted)).toMatchObject({ 0: 'valid', 10: 'INVALID: gap at seq 5', 40: 'INVALID: gap at seq 5' });
    expect(deleted.events).toBe(44);
    const duplicated = await run([...leaves.slice(0, 6), leaves[5]!, ...leaves.slice(6)], checkpoints);
    expect(statuses(duplicated)[10]).toBe('INVALID: duplicate seq 5');
  });

  it('detects two reordered events, whether the stream or the stored contents were swapped', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    const streamSwap = [...leaves];
    [streamSwap[2], streamSwap[3]] = [leaves[3]!, leaves[2]!];
    const swapped = await run(streamSwap, checkpoints);
    expect(swapped.problems).toEqual(expect.arrayContaining(['gap at seq 2', 'out of order at seq 2']));
    expect(statuses(swapped)[10]).toBe('INVALID: gap at seq 2');

    const rowSwap = leaves.map((l) => ({ ...l }));
    [rowSwap[2]!.leaf, rowSwap[3]!.leaf] = [leaves[3]!.leaf, leaves[2]!.leaf];
    [rowSwap[2]!.leafHash, rowSwap[3]!.leafHash] = [leaves[3]!.leafHash, leaves[2]!.leafHash];
    expect(statuses(await run(rowSwap, checkpoints))[10]).toBe('INVALID: seq mismatch at seq 2: leaf says 3');
  });

  it('reports checkpoints beyond a truncated log', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    const result = await run(leaves.slice(0, 35), checkpoints);
    expect(statuses(result)).toMatchObject({ 30: 'valid', 40: 'INVALID: log truncated: has 35 events' });
    expect(result.problems).toEqual(['checkpoint 40: INVALID: log truncated: has 35 events']);
  });

  it('rejects a checkpoint forged with another key, and an altered root', async () => {
    const { leaves, checkpoints, roots } = buildLog(45, sizes);
    const other = generateSigningKey(origin);
    const forged = buildLog(45, [20], createNoteSigner(other.privateKeyPem, origin)).checkpoints[0]!;
    const tampered = checkpoints[3]!.note.replace(roots[30]!.toString('base64'), roots[29]!.toString('base64'));
    const resigned = signCheckpoint({ origin, size: 40, rootHash: roots[39]! }, signer);
    const result = await run(leaves, [
      checkpoints[1]!,
      forged,
      { treeSize: 30, note: tampered },
      { treeSize: 40, note: resigned },
    ]);
    expect(result.checkpoints.map(({ treeSize, status }) => ({ treeSize, status }))).toEqual([
      { treeSize: 10, status: 'valid' },
      { treeSize: 20, status: 'INVALID: unknown key' },
      { treeSize: 30, status: 'INVALID: bad signature' },
      { treeSize: 40, status: 'INVALID: root mismatch' },
    ]);
  });

  it('rejects a checkpoint of another origin or of another size than recorded', async () => {
    const { leaves, roots } = buildLog(12, []);
    const foreign = signCheckpoint({ origin: 'other.example/log', size: 10, rootHash: roots[10]! }, signer);
    const result = await run(leaves, [
      { treeSize: 10, note: foreign },
      { treeSize: 11, note: signCheckpoint({ origin, size: 10, rootHash: roots[10]! }, signer) },
    ]);
    expect(result.checkpoints.map((c) => c.status)).toEqual([
      'INVALID: origin mismatch: "other.example/log"',
      'INVALID: size mismatch: note says 10',
    ]);
  });

  it('checks the events after the last checkpoint too', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    leaves[43] = { ...leaves[43]!, leaf: leafText(43, 'late edit') };
    const result = await run(leaves.slice(0, 41).concat(leaves.slice(42)), checkpoints);
    expect(result.checkpoints.every((c) => c.status === 'valid')).toBe(true);
    expect(result.problems).toEqual(['gap at seq 41', 'leaf hash mismatch at seq 43']);
    expect(result.ok).toBe(false);
  });

  it('takes the stored hash for a purged leaf, which the signed roots still bind', async () => {
    const { leaves, checkpoints } = buildLog(45, sizes);
    leaves[17] = { ...leaves[17]!, leaf: null };
    expect(await run(leaves, checkpoints)).toMatchObject({ ok: true, events: 45 });
    leaves[17] = { ...leaves[17]!, leafHash: leafHash('forged') };
    expect(statuses(await run(leaves, checkpoints))).toMatchObject({ 10: 'valid', 20: 'INVALID: root mismatch' });
    leaves[17] = { ...leaves[17]!, leafHash: Buffer.alloc(3) };
    expect(statuses(await run(leaves, checkpoints))[20]).toBe('INVALID: purged leaf has no valid hash at seq 17');
  });

  it('flags a leaf that is not canonical JSON only in canonical mode', async () => {
    const { leaves } = buildLog(12, []);
    const loose = leaves[3]!.leaf.replace('{', '{ ');
    leaves[3] = { seq: 3, leaf: loose, leafHash: leafHash(loose) };
    expect((await run(leaves, [])).ok).toBe(true);
    expect((await run(leaves, [], 'canonical')).problems).toEqual(['leaf is not canonical JSON at seq 3']);
  });
});
