import cron from 'node-cron';
import type { Logger } from 'pino';
import { runRetention } from '../audit/index.js';
import type { Pool } from '../store/index.js';

/** Runs the retention purge daily at 03:17 (server time). */
export function scheduleRetention(sql: Pool, days: number, log: Logger): { stop(): void } {
  const task = cron.schedule('17 3 * * *', () => {
    runRetention(sql, days, 'schedule')
      .then((r) => log.info({ retention: r }, 'retention run finished'))
      .catch((err: unknown) => log.error({ err }, 'retention run failed'));
  });
  return { stop: () => void task.stop() };
}
