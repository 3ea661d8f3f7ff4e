import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../src/audit/index.js';
import { commitText } from '../../src/integrity/index.js';
import type { Pool } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

// Plain `flowtrail verify` checks most events by comparing strings and hashing
// texts as PostgreSQL prints them, without parsing the leaf. Each case here
// attacks one of those shortcuts (a sender and a database writer working
// together); it fails if verify passes the altered row.
describe('flowtrail verify: the fast check cannot be fooled', () => {
  const t = useTestApp();
  const tamper = (fn: (tx: Pool) => Promise<unknown>) =>
    t.deps.sql.begin(async (tx) => {
      await tx`set local flowtrail.purge = 'on'`;
      await fn(tx as unknown as Pool);
    });
  const verify = () => verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test');
  const seqOf = async (step: number) =>
    (await t.deps.sql<{ seq: number }[]>`select seq from audit_events where type = 'duo_flow_decision_logged' and leaf ~ ${`"step":${step}[,}]`}`)[0]!.seq;

  it('checks an untouched log without falling back to the full check', async () => {
    await t.ingest([
      startedEvent('f1', at(0), { input_context: { files: ['a.py', 'b.py'], note: 'x: y, z' } }),
      flowEvent('duo_flow_decision_logged', 'f1', at(1), { step: 1, decision: 'Tab\there, "quoted", back\\slash, ünïcode', alternatives: ['a, b', 'c: d', ', '] }),
      flowEvent('duo_flow_completed', 'f1', at(2), { outcome_summary: 'done' }),
    ]);
    await t.deps.integrator.checkpoint(true);
    const r = await verify();
    expect(r.problems).toEqual([]);
    expect(r.texts).toBeGreaterThanOrEqual(5);
    // Only input_context (an object: jsonb orders its keys by length) may take the full check.
    expect(r.fullChecks).toBeLessThanOrEqual(1);
  });

  it('does not take a commitment nested in data by the sender for the text itself', async () => {
    // The sender plants {"decision":{"$commitment": H}} one level down, H committing to a
    // text and salt of its choosing; later the database writer stores that text and salt.
    const salt = Buffer.alloc(16, 7);
    const forged = 'Approved by the security team';
    const planted = { decision: { $commitment: commitText('decision', forged, salt) } };
    // `decision` is required, so the sender commits a real one at the top of data and the
    // forged one below it; the writer then stores the forged text and salt in its place.
    await t.ingest([startedEvent('f2', at(0)), flowEvent('duo_flow_decision_logged', 'f2', at(1), { step: 7, decision: 'Ask first', context: planted })]);
    await t.deps.integrator.checkpoint(true);
    const seq = await seqOf(7);
    const [row] = await t.deps.sql<{ leaf: string }[]>`select leaf from audit_events where seq = ${seq}`;
    const nested = row!.leaf.includes('"$commitment"');
    await tamper((tx) => tx`update audit_events set texts = ${tx.json({ decision: forged })}, text_salt = ${salt} where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(new RegExp(`text "decision" of seq ${seq} does not match the commitment`));
    expect(nested || r.fullChecks >= 1).toBe(true);
  });

  it('does not read a blank inside a string as one jsonb added', async () => {
    await t.ingest([startedEvent('f3', at(0)), flowEvent('duo_flow_decision_logged', 'f3', at(1), { step: 3, decision: 'd', alternatives: [','] })]);
    const seq = await seqOf(3);
    // [","] committed; [", "] stored: jsonb prints ["\u002c "] as [", "], which a blind
    // removal of ", " would turn back into the committed [","].
    await tamper((tx) => tx`update audit_events set texts = jsonb_set(texts, '{alternatives}', '[", "]') where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(new RegExp(`text "alternatives" of seq ${seq} does not match the commitment`));
  });

  it('does not accept a timestamp that names another instant in another spelling', async () => {
    await t.ingest([startedEvent('f4', at(0)), flowEvent('duo_flow_decision_logged', 'f4', at(1), { step: 4, decision: 'd' })]);
    const seq = await seqOf(4);
    await tamper((tx) => tx`update audit_events set occurred_at = occurred_at + interval '1 millisecond' where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toContain(`indexed columns of seq ${seq} differ from its leaf (occurred_at)`);
  });

  it('reports a column whose text differs from the leaf only in JSON escaping', async () => {
    await t.ingest([startedEvent('f5', at(0)), flowEvent('duo_flow_decision_logged', 'f5', at(1), { step: 5, decision: 'd' })]);
    const seq = await seqOf(5);
    await tamper((tx) => tx`update audit_events set session_id = ${'f5\t'} where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toContain(`indexed columns of seq ${seq} differ from its leaf (session_id)`);
  });

  it('reports a text added beside the committed ones', async () => {
    await t.ingest([startedEvent('f6', at(0)), flowEvent('duo_flow_decision_logged', 'f6', at(1), { step: 6, decision: 'd' })]);
    const seq = await seqOf(6);
    await tamper((tx) => tx`update audit_events set texts = texts || '{"rationale": "the auditor agreed"}' where seq = ${seq}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(new RegExp(`text "rationale" of seq ${seq} does not match the commitment`));
  });
});
