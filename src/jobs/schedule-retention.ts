import cron from 'node-cron';
import type { Logger } from 'pino';
import { runRetention } from '../audit/index.js';
import { deleteExpiredWebSessions, type Pool } from '../store/index.js';
import { cleanUpJobs } from './clean-up-jobs.js';

/** Runs the retention purge (sessions and stored deliveries) and the cleanup of finished jobs and expired browser sessions daily at 03:17 (server time). */
export function scheduleRetention(sql: Pool, days: number, log: Logger): { stop(): void } {
  const task = cron.schedule('17 3 * * *', () => {
    runRetention(sql, days, 'schedule')
      .then((r) => log.info({ retention: r }, 'retention run finished'))
      .catch((err: unknown) => log.error({ err }, 'retention run failed'));
    cleanUpJobs(sql)
      .then((r) => log.info({ jobs: r }, 'finished jobs cleaned up'))
      .catch((err: unknown) => log.error({ err }, 'cleanup of finished jobs failed'));
    deleteExpiredWebSessions(sql)
      .then((n) => log.info({ webSessions: n }, 'expired browser sessions deleted'))
      .catch((err: unknown) => log.error({ err }, 'cleanup of browser sessions failed'));
  });
  return { stop: () => void task.stop() };
}
