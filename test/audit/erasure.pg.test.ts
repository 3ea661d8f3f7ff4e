import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../src/audit/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

describe('POST /api/v1/erasures', () => {
  const t = useTestApp();
  const erase = (token: string, body: unknown) =>
    t.app.request('/api/v1/erasures', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const seed = async () => {
    await t.ingest([
      startedEvent('e1', at(0), { input_prompt: 'Dana asks to fix the rounding for customer 4711' }),
      flowEvent('duo_flow_decision_logged', 'e1', at(1), { step: 1, decision: 'Call Dana back', rationale: 'She knows the customer' }),
      startedEvent('e2', at(2), { input_prompt: 'Another prompt by Dana' }),
      startedEvent('m1', at(3), { user: { id: 2231, username: 'mchen' }, input_prompt: 'Ming asks for pagination' }),
    ]);
    await t.deps.integrator.checkpoint(true);
  };

  it('erases the texts of every session a person initiated; the log still verifies and the erasure is recorded', async () => {
    await seed();
    const admin = await t.token('admin');
    const res = await erase(admin, { user: 'dwhitfield', reason: 'GDPR request 2026-117 from dana@example.test' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events: 3 });
    const auditor = await t.token('auditor');
    const dana = (await (await t.get('/api/v1/sessions/e1', auditor)).json()) as { timeline: { data: Record<string, unknown> }[] };
    expect(dana.timeline[0]!.data.input_prompt).toEqual({ erased: true });
    expect(dana.timeline[1]!.data).toMatchObject({ step: 1, decision: { erased: true }, rationale: { erased: true } });
    const ming = (await (await t.get('/api/v1/sessions/m1', auditor)).json()) as { timeline: { data: Record<string, unknown> }[] };
    expect(ming.timeline[0]!.data.input_prompt).toBe('Ming asks for pagination');
    await t.deps.integrator.integrate();
    await t.deps.integrator.checkpoint(true);
    const v = await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test', { deep: true });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    const [rec] = await t.deps.sql`select leaf from audit_events where type = 'personal_data_erased'`;
    const data = JSON.parse(rec!.leaf as string).data as Record<string, unknown>;
    expect(data).toMatchObject({ scope: { user: 'dwhitfield', session_id: null }, events: 3 });
    expect(JSON.stringify(data)).not.toContain('dana@example.test');
  });

  it('still reports texts deleted outside an erasure', async () => {
    await seed();
    await erase(await t.token('admin'), { session_id: 'e2' });
    await t.deps.integrator.integrate();
    await t.deps.sql.begin(async (tx) => {
      await tx`set local flowtrail.purge = 'on'`;
      await tx`update audit_events set texts = null, text_salt = null where session_id = 'm1'`;
    });
    const v = await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test', { deep: true });
    expect(v.ok).toBe(false);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]).toMatch(/^texts of seq \d+ are missing/);
  });

  it('is for admins only and needs a scope', async () => {
    expect((await erase(await t.token('auditor'), { user: 'dwhitfield' })).status).toBe(403);
    expect((await erase(await t.token('admin'), {})).status).toBe(400);
    expect((await erase(await t.token('admin'), { session_id: 'bad id!' })).status).toBe(400);
  });
});
