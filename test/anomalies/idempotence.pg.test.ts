import { describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/anomalies/index.js';
import { createLease, startScheduledWork } from '../../src/jobs/index.js';
import { createIntegrator } from '../../src/log/index.js';
import { connect } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { startedEvent } from '../support/flow-events.js';
import { before as at, createHistory, DAY, dayAt, HOUR, NOW } from '../support/histories.js';


describe('anomaly alerts are raised once, by the server\'s clock', () => {
  const t = useTestApp();
  const history = () => createHistory(t.deps.integrator, (d) => t.setLogClock(d));
  const settings = () => t.deps.config.anomalies;
  const count = async () => (await t.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_events where type = 'duo_flow_anomaly_detected'`)[0]!.n;
  const kinds = async () => (await t.deps.sql<{ kind: string; sessionId: string | null }[]>`
    select leaf::jsonb->'data'->>'kind' as kind, session_id from audit_events where type = 'duo_flow_anomaly_detected' order by seq`);

  /** A history that raises an off_hours, a failure_burst, a session_rate and a never_ended alert. */
  async function alertingHistory(): Promise<void> {
    const h = history();
    for (let d = 3; d <= 24; d++) h.session({ user: 'dave' }, dayAt(d, 10), { minutes: 0 });
    h.session({ user: 'dave' }, dayAt(0, 3), { minutes: 0 });
    for (let d = 1; d <= 9; d++) h.session({ user: 'alice' }, dayAt(d, 9), { minutes: 0 });
    for (let i = 0; i < 25; i++) h.session({ user: 'alice' }, at(2 * HOUR), { minutes: 0 });
    for (let i = 0; i < 6; i++) h.session({ user: `u${i}`, flowType: 'fix_pipeline' }, at(40 * 60_000), { outcome: 'failed' });
    h.session({ user: 'kim' }, at(30 * HOUR), false);
    await h.flush();
  }

  it('raises nothing new when run again, at once or five minutes later', async () => {
    await alertingHistory();
    const first = await detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, settings(), NOW);
    expect(first.raised).toBeGreaterThanOrEqual(5);
    expect(new Set((await kinds()).map((k) => k.kind))).toEqual(new Set(['off_hours', 'failure_burst', 'session_rate', 'never_ended']));
    const n = await count();
    expect((await detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, settings(), NOW)).raised).toBe(0);
    const later = await detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, settings(), new Date(NOW.getTime() + 5 * 60_000));
    expect(later.found.session_rate).toBeGreaterThan(0);
    expect(later.raised).toBe(0);
    expect(await count()).toBe(n);
  }, 120_000);

  it('raises each alert once when two processes detect at the same moment, each with its own connection and integrator', async () => {
    await alertingHistory();
    // On PostgreSQL the second process has its own connections; PGlite admits one process, so there it shares the pool.
    const otherSql = t.dbUrl === undefined ? t.deps.sql : connect(t.dbUrl, 2);
    const other = createIntegrator({ sql: otherSql, signer: t.signer, origin: 'flowtrail/test', checkpointEvents: 10_000, checkpointIntervalMs: 60_000 });
    try {
      const [a, b] = await Promise.all([
        detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, settings(), NOW),
        detectAnomalies({ sql: otherSql, integrator: other }, settings(), new Date(NOW.getTime() + 1000)),
      ]);
      expect(a.found).toEqual(b.found);
      const total = Object.values(a.found).reduce((x, y) => x + y, 0);
      expect(a.raised + b.raised).toBe(await count());
      expect(await count()).toBe(total);
    } finally {
      if (otherSql !== t.deps.sql) await otherSql.end();
    }
  }, 120_000);

  it('runs an interval task in one process of two that share the database (the scheduler lease)', async () => {
    let runs = 0;
    const task = { name: 'anomalies', everyMs: 60_000, run: async () => void runs++ };
    const works = ['a', 'b'].map((holder) => startScheduledWork({ sql: t.deps.sql, lease: createLease({ sql: t.deps.sql, name: 'scheduler', holder, ttlSeconds: 30, renewMs: 60_000 }), tasks: [], intervalTasks: [task] }));
    await Promise.all(works.map((w) => w.tick()));
    await Promise.all(works.map((w) => w.tick()));
    expect(runs).toBe(1);
    await Promise.all(works.map((w) => w.stop()));
  });

  describe('a sender who forges occurred_at', () => {
    const post = async (events: unknown[]) => {
      const res = await t.ingest(events);
      expect(res.status).toBe(202);
    };
    const dayHistory = async () => {
      const h = history();
      for (let d = 3; d <= 27; d++) h.session({ user: 'dwhitfield', project: 'acme-platform/payments-api' }, dayAt(d, 9 + (d % 8)), { minutes: 0 });
      await h.flush();
    };

    it('cannot hide a start at 03:00 by claiming it happened at 11:00: the hour is when the log recorded it', async () => {
      await dayHistory();
      t.setLogClock(dayAt(0, 3));
      await post([startedEvent('night-1', dayAt(0, 11).toISOString())]);
      await detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, settings(), NOW);
      expect(await kinds()).toEqual([{ kind: 'off_hours', sessionId: 'night-1' }]);
    });

    it('cannot raise an off-hours alert against someone by claiming their day-time start happened at 03:00', async () => {
      await dayHistory();
      t.setLogClock(dayAt(0, 11));
      await post([startedEvent('day-1', dayAt(0, 3).toISOString())]);
      await detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, settings(), NOW);
      expect(await count()).toBe(0);
    });

    it('cannot hide a burst of sessions by dating them over the past weeks', async () => {
      const h = history();
      for (let d = 1; d <= 9; d++) h.session({ user: 'dwhitfield', project: 'acme-platform/payments-api' }, dayAt(d, 9), { minutes: 0 });
      await h.flush();
      t.setLogClock(at(HOUR));
      await post(Array.from({ length: 25 }, (_, i) => startedEvent(`burst-${i}`, at((i + 2) * DAY).toISOString())));
      await detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, settings(), NOW);
      expect((await kinds()).map((k) => k.kind)).toEqual(['session_rate', 'session_rate']);
    });

    it('cannot post an anomaly event of its own (to make a rolling window think the alert was raised)', async () => {
      const res = await t.ingest([{ event_id: '6d1f3b1e-8a55-4c47-9d51-0c6f4a3e9b10', type: 'duo_flow_anomaly_detected', session_id: 's-1', occurred_at: NOW.toISOString(), kind: 'session_rate', subject: { type: 'user', value: 'dwhitfield' } }]);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('duo_flow_anomaly_detected');
      expect(await count()).toBe(0);
    });
  });
});
