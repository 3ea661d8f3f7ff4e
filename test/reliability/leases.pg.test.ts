import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLease, dailySlot, runDailyTask, startScheduledWork, type DailyTask } from '../../src/jobs/index.js';
import { createIntegrator } from '../../src/log/index.js';
import { createNoteSigner, generateSigningKey } from '../../src/integrity/index.js';
import { listCheckpoints, readLease, takeLease } from '../../src/store/index.js';
import { useTestDb } from '../support/pg.js';
import type { NewEvent } from '../../src/events.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Several serve processes on one database are one service: the scheduler lease
// (src/jobs/lease.ts, src/store/leases.ts) lets one of them run the scheduled work.
describe('the scheduler lease', () => {
  const t = useTestDb();

  it('is held by one holder at a time, renewed by it, and taken over only once it expired by the database clock', async () => {
    expect(await takeLease(t.sql, 'scheduler', 'a', 30)).toBe(true);
    expect(await takeLease(t.sql, 'scheduler', 'b', 30)).toBe(false);
    expect(await takeLease(t.sql, 'scheduler', 'a', 30)).toBe(true);
    const before = (await readLease(t.sql, 'scheduler'))!;
    expect(before.holder).toBe('a');
    // a dies: its lease runs out (moved into the past by the database's own clock, as 30 s of silence would).
    await t.sql`update leases set expires_at = now() - interval '1 millisecond' where name = 'scheduler'`;
    expect(await takeLease(t.sql, 'scheduler', 'b', 30)).toBe(true);
    expect(await takeLease(t.sql, 'scheduler', 'a', 30)).toBe(false);
    expect((await readLease(t.sql, 'scheduler'))!.holder).toBe('b');
  });

  it('goes to exactly one of many processes that try at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => takeLease(t.sql, 'scheduler', `p${i}`, 30)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await readLease(t.sql, 'scheduler'))!.holder).toBe(`p${results.indexOf(true)}`);
  });

  it('passes to another process at once when its holder stops, and after the expiry when it dies', async () => {
    const a = createLease({ sql: t.sql, name: 'scheduler', holder: 'a', ttlSeconds: 1, renewMs: 300 });
    const b = createLease({ sql: t.sql, name: 'scheduler', holder: 'b', ttlSeconds: 1, renewMs: 300 });
    expect(await a.renew()).toBe(true);
    expect(a.held()).toBe(true);
    expect(await b.renew()).toBe(false);
    await a.stop();
    expect(a.held()).toBe(false);
    expect(await b.renew()).toBe(true);
    // b "dies" (no more renewals): a gets it back only once b's lease ran out in the database.
    expect(await a.renew()).toBe(false);
    // held() turns false on b's side before the database lets anyone else in.
    await sleep(700);
    expect(b.held()).toBe(false);
    for (let i = 0; i < 20 && !(await a.renew()); i++) await sleep(100);
    expect(a.held()).toBe(true);
    expect((await readLease(t.sql, 'scheduler'))!.holder).toBe('a');
  });
});

describe('the daily tasks', () => {
  const t = useTestDb();

  const counting = (name: string): DailyTask & { runs: number } => {
    const task = {
      name, hour: 3, minute: 17, runs: 0,
      run: async () => {
        task.runs++;
        await sleep(20);
      },
    };
    return task;
  };

  it('computes the slot as the latest 03:17 at or before now, local time', () => {
    const now = new Date(2026, 11, 3, 3, 16, 59);
    expect(dailySlot(now, 3, 17)).toEqual(new Date(2026, 11, 2, 3, 17));
    expect(dailySlot(new Date(2026, 11, 3, 3, 17), 3, 17)).toEqual(new Date(2026, 11, 3, 3, 17));
    expect(dailySlot(new Date(2026, 11, 3, 23, 0), 3, 17)).toEqual(new Date(2026, 11, 3, 3, 17));
  });

  it('run once per day across three replicas and a restart at 03:17, and wait for the next slot on a new installation', async () => {
    const task = counting('retention');
    let now = new Date(2026, 11, 2, 12, 0);
    const replicas = ['r1', 'r2', 'r3'].map((holder) => createLease({ sql: t.sql, name: 'scheduler', holder, ttlSeconds: 30, renewMs: 60_000 }));
    const works = replicas.map((lease) => startScheduledWork({ sql: t.sql, lease, tasks: [task], tickMs: 60_000, now: () => now }));
    try {
      for (const w of works) await w.tick();
      // The first round on a new installation records the slot without running it.
      expect(task.runs).toBe(0);
      now = new Date(2026, 11, 3, 3, 17, 5);
      for (let round = 0; round < 3; round++) await Promise.all(works.map((w) => w.tick()));
      expect(task.runs).toBe(1);
      // The holder restarts at 03:17 (a new process, a new holder name): the slot is done, it does not run again.
      await works[0]!.stop();
      const restarted = startScheduledWork({ sql: t.sql, lease: createLease({ sql: t.sql, name: 'scheduler', holder: 'r1-restarted', renewMs: 60_000 }), tasks: [task], tickMs: 60_000, now: () => now });
      works[0] = restarted;
      for (const w of works) await w.tick();
      expect(task.runs).toBe(1);
      // The next day it runs once more.
      now = new Date(2026, 11, 4, 3, 20);
      for (let round = 0; round < 3; round++) await Promise.all(works.map((w) => w.tick()));
      expect(task.runs).toBe(2);
      const [run] = await t.sql`select slot, finished_at from scheduled_runs where name = 'retention'`;
      expect(run!.slot).toEqual(new Date(2026, 11, 4, 3, 17));
      expect(run!.finishedAt).not.toBeNull();
    } finally {
      for (const w of works) await w.stop();
    }
  });

  it('runs again a slot whose run never finished because its process died', async () => {
    const task = counting('retention');
    const day = new Date(2026, 11, 3, 4, 0);
    await runDailyTask(t.sql, task, 'first', new Date(2026, 11, 2, 4, 0));
    // A process claimed today's slot and died before recording the end.
    await t.sql`update scheduled_runs set slot = ${dailySlot(day, 3, 17)}, holder = 'dead', finished_at = null where name = 'retention'`;
    expect(await runDailyTask(t.sql, task, 'next', day)).toBe(true);
    expect(await runDailyTask(t.sql, task, 'next', day)).toBe(false);
    expect(task.runs).toBe(1);
  });
});

describe('the checkpoint timer', () => {
  const t = useTestDb();
  const key = generateSigningKey('flowtrail/test');
  const signer = createNoteSigner(key.privateKeyPem, 'flowtrail/test');
  const events = (n: number): NewEvent[] => Array.from({ length: n }, () => ({
    eventId: randomUUID(), type: 'duo_flow_decision_logged', sessionId: null, occurredAt: new Date().toISOString(), source: 'flow_api', data: { decision: 'go on' },
  }));

  it('signs only on the lease holder, and never two checkpoints of the same size when two replicas sign at once', async () => {
    const a = createLease({ sql: t.sql, name: 'scheduler', holder: 'a', renewMs: 60_000 });
    const b = createLease({ sql: t.sql, name: 'scheduler', holder: 'b', renewMs: 60_000 });
    const ia = createIntegrator({ sql: t.sql, signer, origin: 'flowtrail/test', checkpointEvents: 100_000, checkpointIntervalMs: 100 });
    const ib = createIntegrator({ sql: t.sql, signer, origin: 'flowtrail/test', checkpointEvents: 100_000, checkpointIntervalMs: 100 });
    expect(await a.renew()).toBe(true);
    expect(await b.renew()).toBe(false);
    // Only b runs its timer: it does not hold the lease, so it signs nothing however long it runs.
    ib.start({ timerCheckpoints: b.held });
    try {
      await ib.append(events(5));
      await sleep(600);
      expect(await listCheckpoints(t.sql)).toHaveLength(0);
      await a.stop();
      expect(await b.renew()).toBe(true);
      await sleep(600);
      expect((await listCheckpoints(t.sql)).map((c) => c.treeSize)).toEqual([5]);
    } finally {
      await ib.stop();
    }
    // Two replicas asked to sign at the same moment: under the log lock the second sees nothing new.
    await ia.append(events(3));
    await Promise.all([ia.checkpoint(), ib.checkpoint(), ia.checkpoint(), ib.checkpoint()]);
    const sizes = (await listCheckpoints(t.sql)).map((c) => c.treeSize);
    expect(new Set(sizes).size).toBe(sizes.length);
    expect(sizes).toHaveLength(2);
  });
});
