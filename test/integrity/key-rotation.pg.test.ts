import { describe, expect, it } from 'vitest';
import { checkWitnessCopy, verifyDatabase } from '../../src/audit/index.js';
import { createNoteSigner, generateSigningKey, parseVerifierKey, signCheckpoint, type NoteSigner } from '../../src/integrity/index.js';
import { appendEvents, createIntegrator, systemEvent } from '../../src/log/index.js';
import { recordSigningKey } from '../../src/log/record-signing-key.js';
import { insertSigningKey, listCheckpoints, listSigningKeys, readLogState, type Pool } from '../../src/store/index.js';
import { useTestDb } from '../support/pg.js';

const ORIGIN = 'flowtrail/test';
const newSigner = (): NoteSigner => createNoteSigner(generateSigningKey(ORIGIN).privateKeyPem, ORIGIN);
const integratorOf = (sql: Pool, signer: NoteSigner) => createIntegrator({ sql, signer, origin: ORIGIN, checkpointEvents: 1_000_000, checkpointIntervalMs: 60_000 });
const events = (n: number) => Array.from({ length: n }, (_, i) => systemEvent('api_token_created', null, new Date().toISOString(), { token_id: `t${i}`, role: 'ingest' }));

/** Appends n events signed by `signer` and a checkpoint over them; resolves with the checkpoint's tree size (null when none was signed). */
async function signedBatch(sql: Pool, signer: NoteSigner, n = 3): Promise<number | null> {
  const integrator = integratorOf(sql, signer);
  await integrator.append(events(n));
  return integrator.checkpoint(true);
}

describe('rotating the checkpoint signing key', () => {
  const t = useTestDb();
  const verify = (pinned: NoteSigner[]) => verifyDatabase(t.sql, pinned.map((s) => parseVerifierKey(s.verifierKey)), ORIGIN);
  const tamper = (fn: (tx: Pool) => Promise<unknown>) =>
    t.sql.begin(async (tx) => {
      await tx`set local flowtrail.purge = 'on'`;
      await fn(tx as unknown as Pool);
    });

  /** K1 signs, then K2 takes over (with K1's handover when `handover`), then K2 signs. */
  async function rotatedLog(handover: boolean) {
    const k1 = newSigner();
    const k2 = newSigner();
    expect((await recordSigningKey(t.sql, k1, ORIGIN)).outcome).toBe('first');
    await signedBatch(t.sql, k1);
    const rotationSeq = (await readLogState(t.sql)).size;
    const rotated = await recordSigningKey(t.sql, k2, ORIGIN, handover ? k1 : undefined);
    expect(rotated.outcome).toBe('rotated');
    expect(rotated.notes.map(([, size]) => size)).toEqual(handover ? [rotationSeq + 1] : []);
    await signedBatch(t.sql, k2);
    return { k1, k2, rotationSeq };
  }

  it('records the rotation in the log and in signing_keys, with the handover checkpoint signed by the retiring key', async () => {
    const { k1, k2, rotationSeq } = await rotatedLog(true);
    const [event] = await t.sql<{ seq: number; leaf: string }[]>`select seq::int as seq, leaf from audit_events where type = 'signing_key_rotated'`;
    expect(event!.seq).toBe(rotationSeq);
    expect(JSON.parse(event!.leaf).data).toMatchObject({ verifier_key: k2.verifierKey, previous_verifier_key: k1.verifierKey, handover: true });
    const keys = await listSigningKeys(t.sql);
    expect(keys.map((k) => [k.verifierKey, k.firstTreeSize, k.rotationSeq, k.handover])).toEqual([[k1.verifierKey, 0, null, false], [k2.verifierKey, rotationSeq + 1, rotationSeq, true]]);
    expect(keys[0]!.retiredAt).not.toBeNull();
    expect(keys[1]!.retiredAt).toBeNull();
    const handover = (await listCheckpoints(t.sql)).find((c) => c.treeSize === rotationSeq + 1)!;
    expect(handover.note).toContain(`\u2014 ${ORIGIN} `);
    expect(parseVerifierKey(k1.verifierKey).verify(Buffer.from(handover.note.slice(0, handover.note.lastIndexOf('\n\n') + 1)), Buffer.from(handover.note.trim().split(' ').pop()!, 'base64').subarray(4))).toBe(true);
  });

  it('verifies every checkpoint of both keys from either pinned key when the retiring key signed the handover, and says which key signed which tree sizes', async () => {
    const { k1, k2, rotationSeq } = await rotatedLog(true);
    for (const pinned of [[k2], [k1]]) {
      const r = await verify(pinned);
      expect(r.problems).toEqual([]);
      expect(r.checkpoints.map((c) => c.status)).toEqual(['valid', 'valid', 'valid']);
      const [first, second] = r.signingKeys;
      expect(first).toMatchObject({ verifierKey: k1.verifierKey, firstTreeSize: 0, lastTreeSize: rotationSeq + 1, signed: { count: 2, from: 3, to: rotationSeq + 1 } });
      expect(second).toMatchObject({ verifierKey: k2.verifierKey, firstTreeSize: rotationSeq + 1, lastTreeSize: null, introducedAt: rotationSeq, signed: { count: 1 } });
      expect([first!.trust, second!.trust]).toEqual(pinned[0] === k2 ? ['successor', 'pinned'] : ['pinned', 'handover']);
    }
  });

  it('without a handover trusts the old key from the new one, but not the new key from the old one alone', async () => {
    const { k1, k2 } = await rotatedLog(false);
    expect((await verify([k2])).ok).toBe(true);
    const fromOld = await verify([k1]);
    expect(fromOld.ok).toBe(false);
    expect(fromOld.checkpoints.map((c) => c.status)).toEqual(['valid', expect.stringMatching(/^INVALID: untrusted key: signed by flowtrail\/test\+[0-9a-f]{8}, introduced at seq 4 without a handover/)]);
    expect((await verify([k1, k2])).ok).toBe(true);
  });

  it('refuses a retired key at start-up, and a process still holding it signs no more checkpoints', async () => {
    const { k1 } = await rotatedLog(true);
    await expect(recordSigningKey(t.sql, k1, ORIGIN)).rejects.toThrow(/retired .* never signs again/);
    const before = (await listCheckpoints(t.sql)).length;
    expect(await signedBatch(t.sql, k1)).toBeNull();
    expect(await listCheckpoints(t.sql)).toHaveLength(before);
  });

  it('records a rotation once when two processes start with the new key together', async () => {
    const k1 = newSigner();
    const k2 = newSigner();
    await recordSigningKey(t.sql, k1, ORIGIN);
    await signedBatch(t.sql, k1);
    const outcomes = await Promise.all([recordSigningKey(t.sql, k2, ORIGIN, k1), recordSigningKey(t.sql, k2, ORIGIN, k1)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['current', 'rotated']);
    expect(await t.sql`select 1 from audit_events where type = 'signing_key_rotated'`).toHaveLength(1);
    expect(await listSigningKeys(t.sql)).toHaveLength(2);
  });

  it('attack: a key row written into signing_keys with a checkpoint it signed does not verify', async () => {
    const { k2 } = await rotatedLog(true);
    const forger = newSigner();
    const state = await readLogState(t.sql);
    const [latest] = await t.sql<{ rootHash: Buffer }[]>`select root_hash from checkpoints order by tree_size desc limit 1`;
    await insertSigningKey(t.sql, { keyId: `${ORIGIN}+00000000`, verifierKey: forger.verifierKey, publicKey: Buffer.alloc(32, 1), firstTreeSize: state.size, rotationSeq: null, handover: false });
    // The forger re-signs the latest checkpoint's tree head, as one with the database but not the key could.
    await tamper((tx) => tx`insert into checkpoints (tree_size, root_hash, note, frontier) values (${state.size + 1000}, ${latest!.rootHash}, ${signCheckpoint({ origin: ORIGIN, size: state.size + 1000, rootHash: latest!.rootHash }, forger)}, ${Buffer.alloc(0)})`);
    const r = await verify([k2]);
    expect(r.ok).toBe(false);
    expect(r.problems).toContain(`signing_keys lists key ${ORIGIN}+00000000, which no signing_key_rotated event in the log introduces`);
    expect(r.checkpoints.at(-1)!.status).toMatch(/^INVALID: unknown key: signed by flowtrail\/test\+[0-9a-f]{8}, which neither the log's key history nor --key names/);
  });

  it('attack: a rotation event appended to the log by someone with database access, and the checkpoints the forger signs after it, fail', async () => {
    const { k2 } = await rotatedLog(true);
    const forger = newSigner();
    const seq = (await readLogState(t.sql)).size;
    await t.sql.begin(async (tx) => {
      await appendEvents(tx, [systemEvent('signing_key_rotated', null, new Date().toISOString(), { key_id: 'x', verifier_key: forger.verifierKey, previous_key_id: 'y', previous_verifier_key: k2.verifierKey, handover: false, host: 'h', pid: 1 })], { signer: forger, origin: ORIGIN, every: 1e9 });
      await insertSigningKey(tx, { keyId: 'forged', verifierKey: forger.verifierKey, publicKey: Buffer.alloc(32, 2), firstTreeSize: seq + 1, rotationSeq: seq, handover: false });
    });
    expect(await signedBatch(t.sql, forger)).not.toBeNull();
    const r = await verify([k2]);
    expect(r.ok).toBe(false);
    expect(r.checkpoints.at(-1)!.status).toMatch(/^INVALID: untrusted key: signed by flowtrail\/test\+[0-9a-f]{8}, introduced at seq \d+ without a handover checkpoint by a trusted key/);
    expect(r.signingKeys.at(-1)).toMatchObject({ verifierKey: forger.verifierKey, trust: null });
  });

  it('fails when the rotation event is removed from the log, or a checkpoint is re-signed by a key nobody recorded', async () => {
    const { k2, rotationSeq } = await rotatedLog(true);
    await tamper((tx) => tx`delete from audit_events where seq = ${rotationSeq}`);
    const removed = await verify([k2]);
    expect(removed.ok).toBe(false);
    expect(removed.problems).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^gap at seq ${rotationSeq}`)), expect.stringMatching(/no signing_key_rotated event in the log introduces/)]));
  });

  it('fails when a checkpoint is re-signed with an unknown key', async () => {
    const { k2 } = await rotatedLog(true);
    const stranger = newSigner();
    const [last] = await t.sql<{ treeSize: number; rootHash: Buffer }[]>`select tree_size::int as tree_size, root_hash from checkpoints order by tree_size desc limit 1`;
    await tamper((tx) => tx`update checkpoints set note = ${signCheckpoint({ origin: ORIGIN, size: last!.treeSize, rootHash: last!.rootHash }, stranger)} where tree_size = ${last!.treeSize}`);
    const r = await verify([k2]);
    expect(r.ok).toBe(false);
    expect(r.checkpoints.at(-1)!.status).toBe('INVALID: unknown key');
  });

  it('checks a witness\'s copies of both keys\' checkpoints against the key history (verify --against)', async () => {
    const { k1, k2 } = await rotatedLog(true);
    const copies = (await listCheckpoints(t.sql)).map((c) => ({ file: `${c.treeSize}.checkpoint`, note: c.note }));
    const good = await checkWitnessCopy(t.sql, [parseVerifierKey(k2.verifierKey)], ORIGIN, copies);
    expect(good.problems).toEqual([]);
    expect(good.ok).toBe(true);
    const [first] = await listCheckpoints(t.sql);
    // K2 re-signing K1's first tree head: a valid signature by a trusted key, outside its period.
    const misplaced = signCheckpoint({ origin: ORIGIN, size: first!.treeSize, rootHash: first!.rootHash }, k2);
    const bad = await checkWitnessCopy(t.sql, [parseVerifierKey(k1.verifierKey)], ORIGIN, [{ file: 'misplaced.checkpoint', note: misplaced }]);
    expect(bad.ok).toBe(false);
    expect(bad.checkpoints[0]!.status).toMatch(/^INVALID: key outside its period: flowtrail\/test\+[0-9a-f]{8} may sign tree sizes 5 to now, this checkpoint is of 3$/);
  });
});
