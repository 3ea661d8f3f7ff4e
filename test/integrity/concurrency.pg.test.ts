import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../src/audit/index.js';
import { createIntegrator } from '../../src/log/index.js';
import { connect, saveIntake } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { target } from '../support/pg.js';

describe('the log under concurrent appends', () => {
  const t = useTestApp();

  it('keeps sequence numbers gap-free and the log verifiable when many requests append at once', async () => {
    const token = await t.token('ingest');
    const requests = Array.from({ length: 40 }, (_, i) =>
      t.app.request('/api/v1/flow-events', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([startedEvent(`c${i}`, at(0)), flowEvent('duo_flow_plan_generated', `c${i}`, at(1), { plan_steps: ['a'] })]),
      }).then(() => t.deps.integrator.integrate()),
    );
    await Promise.all(requests);
    await t.deps.integrator.integrate();
    await t.deps.integrator.checkpoint(true);
    const [r] = await t.deps.sql`select count(*)::int as n, max(seq)::int as max, count(*) filter (where source = 'flow_api')::int as flow from audit_events`;
    expect(r).toEqual({ n: r!.max + 1, max: r!.max, flow: 80 });
    expect((await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test')).ok).toBe(true);
  });

  it.runIf(target === 'postgres')('stays correct when two service processes integrate into one PostgreSQL', async () => {
    const other = connect(t.dbUrl!, 4);
    try {
      const second = createIntegrator({ sql: other, signer: t.signer, origin: 'flowtrail/test', checkpointEvents: 25, checkpointIntervalMs: 60_000 });
      const writes = Array.from({ length: 30 }, (_, i) =>
        saveIntake(i % 2 === 0 ? t.deps.sql : other, [{ dedupeKey: `k${i}`, source: 'flow_api', events: [{ eventId: crypto.randomUUID(), type: 'duo_flow_created', sessionId: `p${i % 5}`, occurredAt: at(i), source: 'flow_api', data: {} }] }])
          .then(() => Promise.all([t.deps.integrator.integrate(), second.integrate()])),
      );
      await Promise.all(writes);
      await Promise.all([t.deps.integrator.integrate(), second.integrate(), second.checkpoint(true)]);
      const [r] = await t.deps.sql`select count(*)::int as n, max(seq)::int as max from audit_events`;
      expect(r!.n).toBe((r!.max as number) + 1);
      expect((await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test')).ok).toBe(true);
    } finally {
      await other.end();
    }
  });
});
