import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/support/pg.js';
import { countJobs, enqueueJob, listJobs } from '../store/index.js';
import { backoffDelay, JobRunner } from './job-runner.js';

describe('JobRunner', () => {
  const t = useTestDb();

  it('retries a failing job with exponential backoff and jitter, then moves it to the dead letters', async () => {
    await enqueueJob(t.sql, 'flaky', { n: 1 }, 3);
    const outcomes: string[] = [];
    const runner = new JobRunner({ sql: t.sql, handlers: { flaky: () => Promise.reject(new Error('GitLab answered 500')) }, baseDelayMs: 0, onOutcome: (_n, o) => outcomes.push(o), random: () => 0.5 });
    for (let i = 0; i < 3; i++) await runner.runDue();
    expect(outcomes).toEqual(['retry', 'retry', 'dead']);
    const [job] = await t.sql`select state, attempts, last_error from jobs`;
    expect(job).toMatchObject({ state: 'dead', attempts: 3, lastError: 'Error: GitLab answered 500' });
    expect(await countJobs(t.sql)).toEqual({ pending: 0, done: 0, dead: 1 });
    expect((await listJobs(t.sql, 'dead', 10)).map((j) => [j.name, j.attempts, j.lastError])).toEqual([['flaky', 3, 'Error: GitLab answered 500']]);
  });

  it('computes delays that double up to a cap, with jitter between half and one and a half', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 1000, 5000, () => 0.5))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(1, 1000, 5000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 5000, () => 0.999)).toBeCloseTo(1499, 0);
  });

  it('keeps jobs across a restart and never runs one twice when two runners compete', async () => {
    for (let i = 0; i < 20; i++) await enqueueJob(t.sql, 'count', { i });
    const seen: number[] = [];
    const handler = async (p: Record<string, unknown>) => {
      seen.push(p.i as number);
      await new Promise((r) => setTimeout(r, 2));
      return null;
    };
    // A runner that "crashed" holding a lock leaves its job to be taken again once its lease lapsed.
    await t.sql`update jobs set locked_at = now() - interval '10 minutes', locked_until = now() - interval '1 second', locked_by = 'dead-worker' where payload->>'i' = '0'`;
    const a = new JobRunner({ sql: t.sql, handlers: { count: handler } });
    const b = new JobRunner({ sql: t.sql, handlers: { count: handler } });
    await Promise.all([a.runDue(), b.runDue()]);
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await countJobs(t.sql)).toEqual({ pending: 0, done: 20, dead: 0 });
  });

  it('keeps to its share of the time while the intake is busy', async () => {
    for (let i = 0; i < 4; i++) await enqueueJob(t.sql, 'slow', { i });
    const handler = async () => {
      const until = performance.now() + 10;
      while (performance.now() < until) await new Promise((r) => setTimeout(r, 1));
      return null;
    };
    const runner = new JobRunner({ sql: t.sql, handlers: { slow: handler }, busyShare: 0.5 });
    const t0 = performance.now();
    const timer = setInterval(() => runner.noteIntake(), 5);
    runner.noteIntake();
    try {
      await runner.runDue();
    } finally {
      clearInterval(timer);
    }
    // Four jobs of at least 10 ms, each followed by a pause at least as long: half the time for the intake.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
    expect(await countJobs(t.sql)).toEqual({ pending: 0, done: 4, dead: 0 });
  });

  it('stops after the job in hand, leaving the rest of the queue for the next start', async () => {
    for (let i = 0; i < 30; i++) await enqueueJob(t.sql, 'slow', { i });
    const runner = new JobRunner({ sql: t.sql, handlers: { slow: () => new Promise((r) => setTimeout(() => r(null), 5)) } });
    runner.start();
    runner.kick();
    await new Promise((r) => setTimeout(r, 20));
    await runner.stop();
    const counts = await countJobs(t.sql);
    expect(counts.pending).toBeGreaterThan(0);
    expect(counts.pending + counts.done).toBe(30);
  });
});
