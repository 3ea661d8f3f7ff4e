import { describe, expect, it } from 'vitest';
import { runRetention } from '../../src/audit/index.js';
import { alertCounts, dashboardEvents, recentAlerts, sessionsPerDay } from '../../src/store/index.js';
import { ALERT_TYPES } from '../../src/events.js';
import { useTestApp } from '../support/app.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';

const day = (d: number, h = 12) => new Date(Date.UTC(2026, 2, d, h)).toISOString();
const from = new Date(Date.UTC(2026, 2, 1));
const to = new Date(Date.UTC(2026, 3, 1));

describe('the dashboard queries', () => {
  const t = useTestApp({ FLOWTRAIL_RETENTION_DAYS: '1' });

  /** The chart's counts as the triggers keep them, against counting the sessions table. */
  async function countsMatchLive(filters: { flowType?: string; status?: string } = {}) {
    const kept = await sessionsPerDay(t.deps.sql, { ...filters, from, to });
    const live = await t.deps.sql<{ day: Date; n: number }[]>`
      select date_trunc('day', sort_at, 'UTC') as day, count(*)::int as n from sessions
      where sort_at >= ${from} and sort_at < ${to}
        ${filters.flowType !== undefined ? t.deps.sql`and flow_type = ${filters.flowType}` : t.deps.sql``}
        ${filters.status !== undefined ? t.deps.sql`and status = ${filters.status}` : t.deps.sql``}
      group by 1 order by 1`;
    expect(kept.map((r) => [r.day.toISOString(), r.n])).toEqual(live.map((r) => [r.day.toISOString(), r.n]));
    return kept;
  }

  it('keeps sessions per day exact through new sessions, status changes, late starts and deletions', async () => {
    await t.ingest([
      startedEvent('a', day(3)), startedEvent('b', day(3, 23)), startedEvent('c', day(4), { flow_type: 'code_review' }),
      flowEvent('duo_flow_completed', 'a', day(3, 13)),
      // Seen first through a later event, then its start (earlier) arrives: the session moves a day.
      flowEvent('duo_flow_decision_logged', 'd', day(6), { step: 1, decision: 'x' }),
    ]);
    await t.ingest([startedEvent('d', day(5))]);
    const all = await countsMatchLive();
    expect(all.map((r) => [r.day.toISOString().slice(0, 10), r.n])).toEqual([['2026-03-03', 2], ['2026-03-04', 1], ['2026-03-05', 1]]);
    expect((await countsMatchLive({ status: 'completed' })).map((r) => r.n)).toEqual([1]);
    await countsMatchLive({ flowType: 'code_review' });
    await countsMatchLive({ status: 'running' });
    // Retention deletes ended sessions' rows: the counts follow.
    await t.deps.integrator.checkpoint();
    await runRetention(t.deps.sql, 1, 'test');
    await countsMatchLive();
  });

  it('filters the chart by person and project through their indexes', async () => {
    await t.ingest([startedEvent('a', day(3)), startedEvent('b', day(4), { user: { id: 2, username: 'mchen' }, project: { id: 9, path: 'acme/ledger' } })]);
    expect((await sessionsPerDay(t.deps.sql, { username: 'mchen', from, to })).map((r) => r.n)).toEqual([1]);
    expect((await sessionsPerDay(t.deps.sql, { project: 'acme/ledger', from, to })).map((r) => r.n)).toEqual([1]);
    expect((await sessionsPerDay(t.deps.sql, { project: '9', from, to })).map((r) => r.n)).toEqual([1]);
  });

  it('lists a person\'s events: those of their sessions and the session-less ones naming them, newest first, paged', async () => {
    await t.ingest([
      startedEvent('a', day(3)),
      ...Array.from({ length: 5 }, (_, i) => flowEvent('duo_flow_decision_logged', 'a', day(3, 13 + i), { step: i, decision: `d${i}` })),
      startedEvent('b', day(4), { user: { id: 2, username: 'mchen' } }),
    ]);
    // A session-less event naming dwhitfield: an export made with her token.
    const token = await t.token('user', 'dwhitfield');
    expect((await t.get('/api/v1/export?format=ndjson', token)).status).toBe(200);
    await t.deps.integrator.integrate();
    const first = await dashboardEvents(t.deps.sql, { username: 'dwhitfield' }, 4);
    expect(first[0]!.leaf).toContain('audit_export_performed');
    const rest = await dashboardEvents(t.deps.sql, { username: 'dwhitfield' }, 10, { occurredUs: first[3]!.occurredUs, seq: first[3]!.seq });
    const seen = [...first, ...rest].map((e) => JSON.parse(e.leaf!) as { type: string; session_id: string | null });
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((e) => e.session_id))).toEqual(new Set([null, 'a']));
    const windowed = await dashboardEvents(t.deps.sql, { from: new Date(day(4, 0)), to }, 10);
    expect(windowed.map((e) => (JSON.parse(e.leaf!) as { session_id: string }).session_id)).toEqual(expect.arrayContaining(['b']));
    expect(windowed.every((e) => !e.leaf!.includes('"session_id":"a"'))).toBe(true);
  });

  it('counts and lists alerts by the partial index, which names every alert type', async () => {
    await t.ingest([startedEvent('a', day(3)), flowEvent('duo_flow_resumed', 'a', day(3, 14))]);
    const counts = await alertCounts(t.deps.sql, ALERT_TYPES, from, to);
    expect(counts).toEqual([expect.objectContaining({ type: 'duo_flow_lifecycle_violation', n: 1 })]);
    expect(await recentAlerts(t.deps.sql, ALERT_TYPES, from, to, 10)).toHaveLength(1);
    const [index] = await t.deps.sql<{ indexdef: string }[]>`select indexdef from pg_indexes where indexname = 'audit_events_alerts'`;
    for (const type of ALERT_TYPES) expect(index!.indexdef).toContain(`'${type}'`);
    await expect(alertCounts(t.deps.sql, ["x'); drop table sessions; --"], from, to)).rejects.toThrow(/event type names/);
  });
});
