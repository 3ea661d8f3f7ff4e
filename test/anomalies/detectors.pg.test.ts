import { describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/anomalies/index.js';
import { useTestApp } from '../support/app.js';
import { before as at, createHistory, dayAt, decisionEvent, endEvent, HOUR, NOW } from '../support/histories.js';

// Each detector driven with generated histories, both ways: the history that
// must alert, and look-alikes that must not (docs/alerts.md).

describe('the anomaly detectors', () => {
  const t = useTestApp();
  const history = () => createHistory(t.deps.integrator, (d) => t.setLogClock(d));
  const detect = (now = NOW) => detectAnomalies({ sql: t.deps.sql, integrator: t.deps.integrator }, t.deps.config.anomalies, now);
  const alerts = async () => {
    const rows = await t.deps.sql<{ leaf: string; texts: Record<string, string> | null; sessionId: string | null }[]>`
      select leaf, texts, session_id from audit_events where type = 'duo_flow_anomaly_detected' order by seq`;
    return rows.map((r) => {
      const d = (JSON.parse(r.leaf) as { data: Record<string, unknown> }).data as { kind: string; subject: { type: string; value: string }; observed: number; threshold: number };
      return { kind: d.kind, subject: `${d.subject.type}:${d.subject.value}`, sessionId: r.sessionId, observed: d.observed, threshold: d.threshold, reason: r.texts?.reason ?? '' };
    });
  };

  it('session_rate: a person and her project far above their own baseline alert; a new person and a steady heavy one do not', async () => {
    const h = history();
    // Ten days of history (more than the seven a baseline needs): alice one session a day, carol twenty.
    for (let d = 1; d <= 10; d++) {
      h.session({ user: 'alice' }, dayAt(d, 9), { minutes: 0 });
      for (let i = 0; i < 20; i++) h.session({ user: 'carol' }, dayAt(d, 8), { minutes: 0 });
    }
    for (let i = 0; i < 25; i++) {
      h.session({ user: 'alice' }, at(HOUR), { minutes: 0 });
      h.session({ user: 'bob' }, at(HOUR), { minutes: 0 });
      h.session({ user: 'carol' }, dayAt(0, 8), { minutes: 0 });
    }
    await h.flush();
    expect((await detect()).raised).toBe(2);
    const found = await alerts();
    expect(found.map((a) => [a.kind, a.subject])).toEqual([['session_rate', 'user:alice'], ['session_rate', 'project:acme/alice-app']]);
    expect(found[0]!.observed).toBe(25);
    expect(found[0]!.reason).toContain('alice started 25 sessions in the 24 hours before 2026-03-10 14:00 UTC, against 1.1 a day on average over the 9.2 days before (alert at 4 times the usual and at least 20)');
  }, 120_000);

  it('off_hours: a day worker starting at 03:00 UTC alerts; a night-shift worker at night, a new person and a day-time start do not', async () => {
    const h = history();
    for (let d = 3; d <= 27; d++) {
      h.session({ user: 'dave' }, dayAt(d, 9 + (d % 8)));
      h.session({ user: 'erin' }, dayAt(d, (22 + (d % 7)) % 24));
    }
    for (let d = 3; d <= 7; d++) h.session({ user: 'frank' }, dayAt(d, 10));
    const night = h.session({ user: 'dave' }, dayAt(0, 3));
    h.session({ user: 'dave' }, dayAt(0, 3));
    h.session({ user: 'dave' }, dayAt(0, 11));
    h.session({ user: 'erin' }, dayAt(0, 2));
    h.session({ user: 'frank' }, dayAt(0, 3));
    await h.flush();
    expect((await detect()).raised).toBe(1);
    const [a] = await alerts();
    expect(a).toMatchObject({ kind: 'off_hours', subject: 'user:dave', sessionId: night, observed: 0, threshold: 2 });
    expect(a!.reason).toContain('dave started a session at 03:07 UTC; 0 of their 25 sessions');
    expect(a!.reason).toContain('they usually start between 09:00 and 16:59 UTC');
  });

  it('failure_burst: most sessions of one flow type failing within the hour alerts; a single failure and a busy flow type\'s usual failures do not', async () => {
    const h = history();
    for (let i = 0; i < 8; i++) h.session({ user: `u${i}`, flowType: 'fix_pipeline' }, at(50 * 60_000), { outcome: i < 6 ? 'failed' : 'completed' });
    h.session({ user: 'x', flowType: 'code_review' }, at(50 * 60_000), { outcome: 'failed' });
    for (let i = 0; i < 40; i++) h.session({ user: `w${i}`, flowType: 'software_development' }, at(50 * 60_000), { outcome: i < 6 ? 'failed' : 'completed' });
    await h.flush();
    expect((await detect()).raised).toBe(1);
    const [a] = await alerts();
    expect(a).toMatchObject({ kind: 'failure_burst', subject: 'flow_type:fix_pipeline', observed: 6 });
    expect(a!.reason).toContain('6 of the 8 fix_pipeline sessions that ended in the 60 minutes before 2026-03-10 14:00 UTC failed (75 %)');
  });

  it('token_spike: a session far above its flow type alerts; a big but normal token user and a merely large session do not', async () => {
    const h = history();
    for (let d = 3; d <= 27; d++) h.session({ user: `p${d}` }, dayAt(d, 10), { tokens: 20_000 + d * 100 });
    for (let d = 3; d <= 8; d++) h.session({ user: 'hank' }, dayAt(d, 12), { tokens: 400_000 });
    const spike = h.session({ user: 'ivy' }, at(3 * HOUR), { tokens: 600_000 });
    h.session({ user: 'hank' }, at(3 * HOUR), { tokens: 450_000 });
    h.session({ user: 'jo' }, at(3 * HOUR), { tokens: 150_000 });
    await h.flush();
    expect((await detect()).raised).toBe(1);
    const [a] = await alerts();
    expect(a).toMatchObject({ kind: 'token_spike', subject: `session:${spike}`, sessionId: spike, observed: 600_000 });
    expect(a!.reason).toMatch(/used 600,000 tokens: 2\d\.\d times the median of 2\d,\d00 over 31 software_development sessions/);
  });

  it('never_ended: a session silent for a day and one ended only by GitLab\'s records alert; a long but active one and an ended one do not', async () => {
    const h = history();
    const silent = h.session({ user: 'kim' }, at(30 * HOUR), false);
    h.add(at(26 * HOUR), decisionEvent(silent, at(26 * HOUR)));
    const active = h.session({ user: 'lee' }, at(72 * HOUR), false);
    h.add(at(HOUR), decisionEvent(active, at(HOUR)));
    h.session({ user: 'max' }, at(30 * HOUR), { minutes: 60 });
    const swept = h.session({ user: 'ned' }, at(72 * HOUR), false);
    h.add(at(2 * HOUR), { ...endEvent(swept, at(60 * HOUR), 'failed', undefined, 'gitlab_archive'), sourceType: 'graphql sweep', data: { error_category: 'gitlab_sweep', error_code: 'failed', error_message: 'GitLab reports the session as failed', failed_at_step: 'unknown', gitlab: { status: 'failed' } } });
    await h.flush();
    expect((await detect()).raised).toBe(2);
    const found = await alerts();
    expect(found.map((a) => [a.kind, a.sessionId])).toEqual([['never_ended', silent], ['never_ended', swept]]);
    expect(found[0]!.reason).toContain('has not ended and has had no event for 26 hours');
    expect(found[1]!.reason).toContain("ended only in GitLab's own records (status failed");
  });
});
