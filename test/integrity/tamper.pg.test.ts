import { describe, expect, it } from 'vitest';
import { buildBundle, verifyDatabase } from '../../src/audit/index.js';
import { createNoteSigner, generateSigningKey, signCheckpoint, verifyBundle, parseCheckpoint } from '../../src/integrity/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

describe('flowtrail verify against tampering', () => {
  const t = useTestApp();
  const verify = (deep = false) => verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test', { deep });
  // Tampering needs the purge switch that the append-only triggers honour, as a database owner could.
  const tamper = (fn: (tx: typeof t.deps.sql) => Promise<unknown>) =>
    t.deps.sql.begin(async (tx) => {
      await tx`set local flowtrail.purge = 'on'`;
      await fn(tx as unknown as typeof t.deps.sql);
    });
  const decisionSeq = async (step: number) =>
    (await t.deps.sql`select seq from audit_events where type = 'duo_flow_decision_logged' and leaf ~ ${`"step":${step}[,}]`}`)[0]!.seq as number;
  const seed = async () => {
    const events = [startedEvent('t1', at(0))];
    for (let i = 1; i <= 20; i++) events.push(flowEvent('duo_flow_decision_logged', 't1', at(i), { step: i, decision: `decision ${i}`, rationale: 'because' }));
    await t.ingest(events);
    await t.deps.integrator.checkpoint(true);
    await t.ingest([flowEvent('duo_flow_completed', 't1', at(30))]);
    await t.deps.integrator.checkpoint(true);
  };

  it('describes the log at GET /api/v1/integrity and verifies over HTTP', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const info = (await (await t.get('/api/v1/integrity', auditor)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ origin: 'flowtrail/test', verifier_keys: [t.signer.verifierKey], tree_size: 25, events_since_checkpoint: 1 });
    expect((info.latest_checkpoint as { tree_size: number }).tree_size).toBe(24);
    const post = (body?: unknown) => t.app.request('/api/v1/integrity/verify', { method: 'POST', headers: { authorization: `Bearer ${auditor}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(await (await post()).json()).toMatchObject({ ok: true, checkpoints: [{ status: 'valid' }, { status: 'valid' }] });
    const other = createNoteSigner(generateSigningKey('flowtrail/test').privateKeyPem, 'flowtrail/test').verifierKey;
    expect(await (await post({ keys: [other] })).json()).toMatchObject({ ok: false, checkpoints: [{ status: expect.stringMatching(/^INVALID: unknown key/) }, { status: expect.stringMatching(/^INVALID: unknown key/) }] });
    expect((await post({ keys: ['nonsense'] })).status).toBe(400);
    const user = await t.token('user', 'dwhitfield');
    expect((await t.app.request('/api/v1/integrity/verify', { method: 'POST', headers: { authorization: `Bearer ${user}` } })).status).toBe(403);
  });

  it('passes on an untouched log with every checkpoint valid', async () => {
    await seed();
    const r = await verify();
    expect(r.ok).toBe(true);
    expect(r.checkpoints.map((c) => c.status)).toEqual(['valid', 'valid']);
    expect(r.events).toBe(25);
  });

  it('detects an edited event', async () => {
    await seed();
    const seq = await decisionSeq(3);
    await tamper((tx) => tx`update audit_events set leaf = replace(leaf, '"step":3}', '"step":4}') where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.checkpoints[0]!.status).toBe(`INVALID: leaf hash mismatch at seq ${seq}`);
  });

  it('detects an edited text behind a commitment', async () => {
    await seed();
    const seq = await decisionSeq(5);
    await tamper((tx) => tx`update audit_events set texts = jsonb_set(texts, '{decision}', '"a different decision"') where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toContain(`text "decision" of seq ${seq} does not match`);
  });

  it('detects, with or without --deep, an indexed column that no longer matches its leaf', async () => {
    await seed();
    await tamper((tx) => tx`update audit_events set session_id = 'elsewhere' where seq = ${4}`);
    for (const deep of [false, true]) {
      const r = await verify(deep);
      expect(r.ok).toBe(false);
      expect(r.problems).toContain('indexed columns of seq 4 differ from its leaf (session_id)');
    }
  });

  it('detects a leaf emptied outside a retention purge, and texts deleted from under their commitments', async () => {
    await seed();
    const seq = await decisionSeq(2);
    await tamper((tx) => tx`update audit_events set texts = null, text_salt = null where seq = ${seq}`);
    expect((await verify()).problems).toContain(`texts of seq ${seq} are missing though its leaf commits to them`);
    await tamper((tx) => tx`update audit_events set leaf = null where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(new RegExp(`empty without a retention purge .*seq ${seq}`));
  });

  it('detects a deleted event', async () => {
    await seed();
    await tamper((tx) => tx`delete from audit_events where seq = 7`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.checkpoints[0]!.status).toMatch(/INVALID/);
  });

  it('detects two events swapped', async () => {
    await seed();
    await tamper(async (tx) => {
      const rows = await tx`select seq, leaf, leaf_hash from audit_events where seq in (4, 5) order by seq`;
      await tx`update audit_events set leaf = ${rows[1]!.leaf as string}, leaf_hash = ${rows[1]!.leafHash as Buffer} where seq = 4`;
      await tx`update audit_events set leaf = ${rows[0]!.leaf as string}, leaf_hash = ${rows[0]!.leafHash as Buffer} where seq = 5`;
    });
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.checkpoints[0]!.status).toMatch(/INVALID/);
  });

  it('detects a truncated log', async () => {
    await seed();
    await tamper((tx) => tx`delete from audit_events where seq >= 18`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.checkpoints.some((c) => /truncated/.test(c.status))).toBe(true);
  });

  it('detects a checkpoint forged with another key and one with an altered root', async () => {
    await seed();
    const forger = createNoteSigner(generateSigningKey('flowtrail/test').privateKeyPem, 'flowtrail/test');
    const [cp] = await t.deps.sql`select tree_size, note from checkpoints order by tree_size limit 1`;
    const parsed = parseCheckpoint((cp!.note as string).split('\n\n')[0]! + '\n');
    const forged = signCheckpoint({ origin: parsed.origin, size: parsed.size, rootHash: Buffer.alloc(32, 7) }, forger);
    await tamper((tx) => tx`update checkpoints set note = ${forged} where tree_size = ${cp!.treeSize as number}`);
    const r = await verify();
    expect(r.checkpoints[0]!.status).toMatch(/^INVALID: (bad signature|unknown key)/);
    const honest = signCheckpoint({ origin: parsed.origin, size: parsed.size, rootHash: Buffer.alloc(32, 7) }, t.signer);
    await tamper((tx) => tx`update checkpoints set note = ${honest} where tree_size = ${cp!.treeSize as number}`);
    expect((await verify()).checkpoints[0]!.status).toMatch(/^INVALID: root mismatch/);
  });

  it('builds a bundle of one session that verifies offline, and detects one altered event in it', async () => {
    await seed();
    await t.ingest([startedEvent('other', at(40))]);
    await t.deps.integrator.checkpoint(true);
    const bundle = await buildBundle(t.deps.sql, { filters: { sessionId: 't1' }, actor: { id: 'test', role: 'admin', username: null }, channel: 'api', origin: 'flowtrail/test', sanitizer: t.deps.sanitizer });
    expect(bundle.events).toHaveLength(22);
    expect(verifyBundle(bundle, t.deps.verifiers).ok).toBe(true);
    const altered = structuredClone(bundle);
    altered.events[3]!.leaf = altered.events[3]!.leaf.replace('decision', 'decisión');
    const r = verifyBundle(altered, t.deps.verifiers);
    expect(r.ok).toBe(false);
    expect(r.events.filter((e) => e.status !== 'valid')).toHaveLength(1);
  });
});
