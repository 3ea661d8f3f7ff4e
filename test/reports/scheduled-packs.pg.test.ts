import { describe, expect, it } from 'vitest';
import { reportDepsOf } from '../../src/api/index.js';
import { closedPeriod, createLease, scheduleReports, startScheduledWork, type DailyTask } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import { useTestApp } from '../support/app.js';
import { generateHistory } from './history.js';
import { recordEvents } from '../../src/store/index.js';

describe('scheduled evidence packs', () => {
  const t = useTestApp();

  it('takes the previous month or the previous Monday-to-Monday week as the closed period (UTC)', () => {
    expect(closedPeriod('monthly', new Date('2026-04-03T01:00:00Z'))).toEqual({ from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') });
    expect(closedPeriod('monthly', new Date('2026-01-15T12:00:00Z'))).toEqual({ from: new Date('2025-12-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') });
    // 2026-03-18 is a Wednesday; the closed week is Monday 9 to Monday 16.
    expect(closedPeriod('weekly', new Date('2026-03-18T10:00:00Z'))).toEqual({ from: new Date('2026-03-09T00:00:00Z'), to: new Date('2026-03-16T00:00:00Z') });
    expect(closedPeriod('weekly', new Date('2026-03-16T00:00:00Z'))).toEqual({ from: new Date('2026-03-09T00:00:00Z'), to: new Date('2026-03-16T00:00:00Z') });
  });

  it('produces each pack once across three replicas, keeps it, lists it and serves it as it was produced', async () => {
    const h = generateHistory({ sessions: 5, untraced: 1, unknown: 0 });
    expect((await t.ingest(h.flowEvents)).status).toBe(202);
    await recordEvents(t.deps.sql, h.systemEvents);
    await t.deps.integrator.integrate();
    let now = new Date(2026, 3, 2, 1, 0);
    const reports = { ...t.deps.config.reports, schedule: 'monthly' as const, frameworks: ['soc2', 'fedramp'] as const, formats: ['html', 'oscal'] as const };
    const task = scheduleReports(reportDepsOf(t.deps), reports, createLogger('silent'), () => now) as DailyTask;
    const works = ['r1', 'r2', 'r3'].map((holder) => startScheduledWork({
      sql: t.deps.sql, lease: createLease({ sql: t.deps.sql, name: 'scheduler', holder, ttlSeconds: 30, renewMs: 60_000 }), tasks: [task], tickMs: 60_000, now: () => now,
    }));
    try {
      for (const w of works) await w.tick();
      now = new Date(2026, 3, 2, 2, 50);
      for (let round = 0; round < 3; round++) await Promise.all(works.map((w) => w.tick()));
    } finally {
      await Promise.all(works.map((w) => w.stop()));
    }
    await t.deps.integrator.integrate();
    const auditor = await t.token('auditor');
    const listed = (await (await t.get('/api/v1/reports/stored', auditor)).json()) as { packs: { id: number; framework: string; format: string; from: string; to: string; sha256: string; produced_by: string }[] };
    expect(listed.packs.map((p) => `${p.framework}/${p.format}`).sort()).toEqual(['fedramp/html', 'fedramp/oscal', 'soc2/html', 'soc2/oscal']);
    for (const p of listed.packs) expect(p).toMatchObject({ from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', produced_by: 'schedule' });
    const generated = await t.deps.sql<{ data: { sha256: string; channel: string } }[]>`select leaf::jsonb -> 'data' as data from audit_events where type = 'evidence_pack_generated'`;
    expect(generated).toHaveLength(4);
    expect(generated.map((g) => g.data.sha256).sort()).toEqual(listed.packs.map((p) => p.sha256).sort());
    expect(new Set(generated.map((g) => g.data.channel))).toEqual(new Set(['schedule']));
    // The kept pack is the one produced: same bytes as asking the API for that period now.
    const oscal = listed.packs.find((p) => p.framework === 'soc2' && p.format === 'oscal')!;
    const kept = await t.get(`/api/v1/reports/stored/${oscal.id}`, auditor);
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-flowtrail-sha256')).toBe(oscal.sha256);
    const again = await t.get('/api/v1/reports?framework=soc2&from=2026-03-01&to=2026-04-01&format=oscal', auditor);
    expect(await again.text()).toBe(await kept.text());
    expect((await t.get('/api/v1/reports/stored/abc', auditor)).status).toBe(400);
    expect((await t.get('/api/v1/reports/stored/999999', auditor)).status).toBe(404);
    expect((await t.get('/api/v1/reports/stored', await t.token('user'))).status).toBe(403);
  });
});
