import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/jobs/index.js';
import { claimJobs, enqueueJob } from '../../src/store/index.js';
import { target, useTestDb } from '../support/pg.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dist = (p: string) => fileURLToPath(new URL(`../../dist/src/${p}`, import.meta.url));

/** Polls `runner` until `n` jobs ran; resolves with the milliseconds it took. */
async function runUntil(runner: JobRunner, n: number, limitMs: number): Promise<number> {
  const t0 = performance.now();
  let ran = 0;
  while (ran < n && performance.now() - t0 < limitMs) {
    ran += await runner.runDue();
    if (ran < n) await sleep(50);
  }
  expect(ran).toBe(n);
  return performance.now() - t0;
}

// A job's claim is a lease (jobs.locked_until) that the runner holding it renews:
// src/store/jobs.ts, src/jobs/job-runner.ts.
describe('job leases', () => {
  const t = useTestDb();

  it('takes the jobs of a worker that stopped renewing again within the lease, not after minutes', async () => {
    for (let i = 0; i < 5; i++) await enqueueJob(t.sql, 'quick', { i });
    // A worker claims them with a 1 s lease and is never heard of again.
    expect(await claimJobs(t.sql, 'worker-that-died', 10, 1)).toHaveLength(5);
    const runner = new JobRunner({ sql: t.sql, handlers: { quick: async () => 'ok' }, leaseSeconds: 1 });
    expect(await runner.runDue()).toBe(0);
    const ms = await runUntil(runner, 5, 5000);
    expect(ms).toBeLessThan(2500);
    const rows = await t.sql<{ state: string; attempts: number }[]>`select state, attempts from jobs order by id`;
    expect(rows.every((r) => r.state === 'done' && r.attempts === 2)).toBe(true);
  });

  it('keeps a long job by renewing its lease, so no other runner starts it meanwhile', async () => {
    await enqueueJob(t.sql, 'long', {});
    let runs = 0;
    const long = async () => {
      runs++;
      await sleep(2500);
      return 'finished';
    };
    const a = new JobRunner({ sql: t.sql, handlers: { long }, leaseSeconds: 1, heartbeatMs: 200 });
    const b = new JobRunner({ sql: t.sql, handlers: { long }, leaseSeconds: 1, heartbeatMs: 200 });
    const running = a.runDue();
    await sleep(100);
    // For 2.5 lease lengths b keeps looking and never gets it.
    for (let i = 0; i < 20; i++) {
      expect(await b.runDue()).toBe(0);
      await sleep(100);
    }
    expect(await running).toBe(1);
    expect(runs).toBe(1);
    expect((await t.sql`select state, attempts, result, locked_by from jobs`)[0]).toMatchObject({ state: 'done', attempts: 1, result: 'finished', lockedBy: null });
  });

  it('does not let a worker whose lease lapsed record an outcome over the worker that took the job', async () => {
    await enqueueJob(t.sql, 'job', {});
    const outcomes: string[] = [];
    // a cannot renew (say its database connection hung for longer than the lease) and is slow.
    const a = new JobRunner({ sql: t.sql, handlers: { job: async () => (await sleep(1800), 'from a') }, leaseSeconds: 1, heartbeatMs: 60_000, onOutcome: (_n, o) => outcomes.push(`a:${o}`) });
    const b = new JobRunner({ sql: t.sql, handlers: { job: async () => 'from b' }, leaseSeconds: 1, onOutcome: (_n, o) => outcomes.push(`b:${o}`) });
    const slow = a.runDue();
    await sleep(100);
    await runUntil(b, 1, 3000);
    await slow;
    expect(outcomes).toEqual(['b:done', 'a:lost']);
    expect((await t.sql`select state, result, attempts from jobs`)[0]).toMatchObject({ state: 'done', result: 'from b', attempts: 2 });
  });

  it('logs a running job whose lease was lost, and records no outcome for it', async () => {
    await enqueueJob(t.sql, 'job', {});
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString()), cb()) }));
    const outcomes: string[] = [];
    const a = new JobRunner({ sql: t.sql, handlers: { job: async () => (await sleep(1200), 'from a') }, leaseSeconds: 1, heartbeatMs: 200, log, onOutcome: (_n, o) => outcomes.push(o) });
    const running = a.runDue();
    await sleep(150);
    // Another worker took it over (as after a lapse while the database was away).
    await t.sql`update jobs set locked_by = 'other-worker', locked_until = now() + interval '30 seconds'`;
    await running;
    expect(lines.some((l) => /lease of a running job lapsed/.test(l))).toBe(true);
    expect(outcomes).toEqual(['lost']);
    expect((await t.sql`select state, locked_by from jobs`)[0]).toMatchObject({ state: 'pending', lockedBy: 'other-worker' });
  });

  it('never has two runners hold the same job at once', async () => {
    for (let i = 0; i < 40; i++) await enqueueJob(t.sql, 'work', { i });
    const holding = new Set<number>();
    const ran: number[] = [];
    let overlaps = 0;
    const work = async (p: Record<string, unknown>) => {
      const i = p.i as number;
      if (holding.has(i)) overlaps++;
      holding.add(i);
      ran.push(i);
      await sleep(Math.floor(Math.random() * 20));
      holding.delete(i);
      return null;
    };
    const runners = [0, 1, 2].map(() => new JobRunner({ sql: t.sql, handlers: { work }, leaseSeconds: 1, heartbeatMs: 200 }));
    await Promise.all(runners.map((r) => r.runDue()));
    expect(overlaps).toBe(0);
    expect([...ran].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  // A real process killed with SIGKILL while it holds claimed jobs; PGlite admits one process, so PostgreSQL only.
  it.runIf(target === 'postgres')('takes over within the lease the jobs of a process killed with kill -9', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 5; i++) await enqueueJob(t.sql, 'slow', { i });
    const url = (t.db as { url?: string }).url!;
    const script = `
      import { connect } from ${JSON.stringify(dist('store/index.js'))};
      import { JobRunner } from ${JSON.stringify(dist('jobs/index.js'))};
      const sql = connect(process.env.URL, 2);
      const runner = new JobRunner({ sql, handlers: { slow: () => { console.log('started'); return new Promise(() => {}); } }, leaseSeconds: 2, heartbeatMs: 300 });
      runner.start();
      runner.kick();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('started') && resolve());
        child.once('exit', () => reject(new Error('the worker process exited before it started a job')));
      });
      const runner = new JobRunner({ sql: t.sql, handlers: { slow: async () => 'taken over' }, leaseSeconds: 2 });
      // While it lives its heartbeat keeps all five, past the 2 s lease.
      for (let i = 0; i < 6; i++) {
        expect(await runner.runDue()).toBe(0);
        await sleep(500);
      }
      child.kill('SIGKILL');
      await exited;
      const ms = await runUntil(runner, 5, 10_000);
      expect(ms).toBeLessThan(4000);
      const rows = await t.sql<{ state: string; result: string }[]>`select state, result from jobs`;
      expect(rows.every((r) => r.state === 'done' && r.result === 'taken over')).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
