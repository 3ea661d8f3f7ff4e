import type { Logger } from 'pino';
import type { Sql } from '../store/index.js';
import type { Lease } from './lease.js';
import { runDailyTask, type DailyTask } from './run-daily-task.js';

/** The lease that decides which process runs the scheduled work. */
export const SCHEDULER_LEASE = 'scheduler';

/**
 * Work done every `everyMs` by the process holding the scheduler lease, timed
 * by that process (a new holder runs it at its first round). It must be safe
 * to run twice (the anomaly detectors derive their events' ids from what they
 * found), since a lease changing hands may run it again early.
 */
export interface IntervalTask {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

export interface ScheduledWorkOptions {
  sql: Sql;
  lease: Lease;
  tasks: readonly DailyTask[];
  intervalTasks?: readonly IntervalTask[];
  /** How often the lease is renewed and the tasks are looked at (default the lease's renewMs, 10 s). */
  tickMs?: number;
  log?: Logger;
  now?: () => Date;
}

export interface ScheduledWork {
  /** One round now: renew the lease and, when held, start every task that is due; resolves once started tasks finished. */
  tick(): Promise<void>;
  /** Stops the rounds, waits for the runs in progress and gives the lease up. */
  stop(): Promise<void>;
}

/**
 * The scheduled work of the service, done by one process however many share
 * the database: every tick the process renews (or tries to take) the
 * scheduler lease, and the one holding it runs the daily tasks that are due.
 * The integrator's checkpoint timer asks the same lease (lease.held()).
 */
export function startScheduledWork(o: ScheduledWorkOptions): ScheduledWork {
  const running = new Map<string, Promise<void>>();
  const lastRun = new Map<string, number>();
  let stopped = false;

  function startIntervalTasks(): void {
    for (const task of o.intervalTasks ?? []) {
      const key = `every:${task.name}`;
      const last = lastRun.get(key);
      if (running.has(key) || stopped || (last !== undefined && performance.now() - last < task.everyMs)) continue;
      lastRun.set(key, performance.now());
      const run = task.run()
        .then(() => undefined, (err: unknown) => o.log?.warn({ err, task: task.name }, 'interval task failed; it runs again at the next interval'))
        .finally(() => running.delete(key));
      running.set(key, run);
    }
  }

  async function tick(): Promise<void> {
    if (stopped || !(await o.lease.renew())) return;
    startIntervalTasks();
    for (const task of o.tasks) {
      if (running.has(task.name) || stopped) continue;
      const run = runDailyTask(o.sql, task, o.lease.holder, o.now?.() ?? new Date(), o.log)
        .then(() => undefined, (err: unknown) => o.log?.warn({ err, task: task.name }, 'could not start or record a scheduled run; will retry'))
        .finally(() => running.delete(task.name));
      running.set(task.name, run);
    }
  }

  // A round never waits for the runs it started, so a long run does not hold up the lease's renewal.
  let ticking: Promise<void> | undefined;
  const round = () => {
    ticking ??= tick().finally(() => (ticking = undefined));
  };
  round();
  const timer = setInterval(round, o.tickMs ?? o.lease.renewMs);
  timer.unref();

  return {
    async tick() {
      round();
      await ticking;
      await Promise.all(running.values());
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await ticking;
      await Promise.all(running.values());
      await o.lease.stop();
    },
  };
}
