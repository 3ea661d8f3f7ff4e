import cron from 'node-cron';
import type { Logger } from 'pino';
import type { GitlabClient } from '../gitlab/index.js';
import type { Sql } from '../store/index.js';
import type { Integrator } from '../log/index.js';
import { sweepSessions } from './sweep-sessions.js';

/** The daily sweep at 02:43 over the last 26 hours (an overlap, so a late run misses nothing). */
export function scheduleSweep(deps: { sql: Sql; integrator: Integrator; gitlab: GitlabClient | null }, log: Logger): { stop(): void } {
  const gitlab = deps.gitlab;
  if (gitlab === null) return { stop: () => undefined };
  const task = cron.schedule('43 2 * * *', () => {
    sweepSessions({ sql: deps.sql, integrator: deps.integrator, gitlab }, new Date(Date.now() - 26 * 3_600_000))
      .then((r) => log.info({ sweep: r }, 'session sweep finished'))
      .catch((err: unknown) => log.error({ err }, 'session sweep failed'));
  });
  return { stop: () => void task.stop() };
}
