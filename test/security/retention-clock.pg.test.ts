import { describe, expect, it } from 'vitest';
import { runRetention } from '../../src/audit/index.js';
import { useTestApp } from '../support/app.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';

// An ingest token holder back-dates a stop so that the daily retention purges
// a session that is still running. Retention goes by when the log recorded a
// session's events as well as by the sender's clock: the sender alone cannot
// make anything old.

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

describe('retention and the sender\'s clock', () => {
  const t = useTestApp();
  const alive = async (id: string) => (await t.deps.sql`select session_id from sessions where session_id = ${id} and purged_at is null`).length === 1;
  const texts = async (id: string) => (await t.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_events where session_id = ${id} and texts is not null`)[0]!.n;

  it('keeps a running session whose stop was dated 2000-01-01 by another sender', async () => {
    await t.ingest([startedEvent('alice-1', daysAgo(1), { input_prompt: 'rotate the payment keys' })]);
    await t.ingest([flowEvent('duo_flow_stopped', 'alice-1', '2000-01-01T00:00:00.000Z')]);
    await t.deps.integrator.checkpoint(true);
    const r = await runRetention(t.deps.sql, 365, 'schedule');
    expect(r.sessions).toBe(0);
    expect(await alive('alice-1')).toBe(true);
    expect(await texts('alice-1')).toBeGreaterThan(0);
  });

  it('keeps a whole session back-dated by its sender to 2000, however old its own times say it is', async () => {
    await t.ingest([
      startedEvent('old-looking', '2000-01-01T00:00:00.000Z'),
      flowEvent('duo_flow_completed', 'old-looking', '2000-01-01T00:05:00.000Z'),
    ]);
    await t.deps.integrator.checkpoint(true);
    expect((await runRetention(t.deps.sql, 365, 'schedule')).sessions).toBe(0);
    expect(await alive('old-looking')).toBe(true);
  });

  it('purges the same session once the log itself recorded it longer ago than the retention period', async () => {
    t.setLogClock(new Date(Date.now() - 400 * 86_400_000));
    await t.ingest([
      startedEvent('really-old', daysAgo(400)),
      flowEvent('duo_flow_completed', 'really-old', daysAgo(400)),
    ]);
    t.setLogClock(null);
    await t.deps.integrator.checkpoint(true);
    expect((await runRetention(t.deps.sql, 365, 'schedule')).sessions).toBe(1);
    expect(await alive('really-old')).toBe(false);
  });

  it('refuses a retention shorter than the owner allows, and records nothing', async () => {
    await t.deps.sql`update retention_policy set min_days = 90`;
    const queued = async () => (await t.deps.sql<{ n: number }[]>`select count(*)::int as n from intake where events->0->>'type' = 'retention_purged'`)[0]!.n;
    await expect(runRetention(t.deps.sql, 30, 'schedule')).rejects.toThrow(/shorter than the 90 days/);
    expect(await queued()).toBe(0);
    const res = await t.app.request('/api/v1/retention/run', { method: 'POST', headers: { authorization: `Bearer ${await t.token('admin')}` } });
    // The service's own setting (365 days) is above the floor: the run is allowed.
    expect(res.status).toBe(200);
  });
});
