import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/app.js';
import { recordEvents } from '../store/index.js';
import { createIntegrator } from './integrator.js';

describe('the integrator', () => {
  const t = useTestApp();
  const created = () => ({ eventId: crypto.randomUUID(), type: 'duo_flow_created' as const, sessionId: 'intake-1', occurredAt: new Date().toISOString(), source: 'system' as const, data: {} });

  it('brings a record queued in the intake inside another transaction into the log without anyone flushing it', async () => {
    const integrator = createIntegrator({ sql: t.deps.sql, signer: t.signer, origin: 'flowtrail/test', checkpointEvents: 1000, checkpointIntervalMs: 60_000 });
    integrator.start();
    try {
      const event = created();
      await t.deps.sql.begin((tx) => recordEvents(tx, [event]));
      let found = 0;
      for (let i = 0; i < 60 && found === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        found = (await t.deps.sql`select 1 from audit_events where event_id = ${event.eventId}`).length;
      }
      expect(found).toBe(1);
    } finally {
      await integrator.stop();
    }
  });

  it('drains the intake once more when it stops', async () => {
    const integrator = createIntegrator({ sql: t.deps.sql, signer: t.signer, origin: 'flowtrail/test', checkpointEvents: 1000, checkpointIntervalMs: 60_000 });
    await recordEvents(t.deps.sql, [created()]);
    await integrator.stop();
    const [row] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_events where type = 'duo_flow_created'`;
    expect(row!.n).toBe(1);
  });
});
