import type { Logger } from 'pino';
import { claimScheduledRun, finishScheduledRun, type Sql } from '../store/index.js';

/** Work done once a day at hour:minute (the server's local time), by one process of all that share the database. */
export interface DailyTask {
  name: string;
  hour: number;
  minute: number;
  run(): Promise<unknown>;
}

/** The latest hour:minute (local time) at or before `now`: the run that is due. */
export function dailySlot(now: Date, hour: number, minute: number): Date {
  const slot = new Date(now);
  slot.setHours(hour, minute, 0, 0);
  if (slot > now) slot.setDate(slot.getDate() - 1);
  return slot;
}

/**
 * Runs `task` if its latest slot has not been run yet (claimScheduledRun
 * decides, in the database, so two processes or a restart never run the same
 * slot twice), and records when it finished. A process that was down at the
 * slot runs it when it next holds the scheduler lease the same day; a run
 * not recorded as finished (its process died, or the database went away) is
 * run again. A run that failed is recorded and tried at the next slot.
 * Resolves with whether it ran.
 */
export async function runDailyTask(sql: Sql, task: DailyTask, holder: string, now: Date, log?: Logger): Promise<boolean> {
  const slot = dailySlot(now, task.hour, task.minute);
  if (!(await claimScheduledRun(sql, task.name, slot, holder))) return false;
  log?.info({ task: task.name, slot: slot.toISOString() }, 'scheduled run started');
  await task.run().catch((err: unknown) => log?.error({ err, task: task.name }, 'scheduled run failed; it runs again at its next slot'));
  await finishScheduledRun(sql, task.name, slot, holder);
  return true;
}
