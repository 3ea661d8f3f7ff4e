import type { Logger } from 'pino';
import { runRetention } from '../audit/index.js';
import { deleteExpiredWebSessions, type Pool } from '../store/index.js';
import { cleanUpJobs } from './clean-up-jobs.js';
import type { DailyTask } from './run-daily-task.js';

/**
 * The daily run at 03:17 (server time): the retention purge (sessions and
 * stored deliveries), the clean-up of finished jobs and of expired browser
 * sessions. Each part runs even when another fails; the run counts as done
 * once all three were tried (each is tried again the next day).
 */
export function scheduleRetention(sql: Pool, days: number, log: Logger): DailyTask {
  return {
    name: 'retention',
    hour: 3,
    minute: 17,
    run: () => Promise.all([
      runRetention(sql, days, 'schedule')
        .then((r) => log.info({ retention: r }, 'retention run finished'))
        .catch((err: unknown) => log.error({ err }, 'retention run failed')),
      cleanUpJobs(sql)
        .then((r) => log.info({ jobs: r }, 'finished jobs cleaned up'))
        .catch((err: unknown) => log.error({ err }, 'cleanup of finished jobs failed')),
      deleteExpiredWebSessions(sql)
        .then((n) => log.info({ webSessions: n }, 'expired browser sessions deleted'))
        .catch((err: unknown) => log.error({ err }, 'cleanup of browser sessions failed')),
    ]),
  };
}
