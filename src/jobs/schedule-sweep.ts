import type { Logger } from 'pino';
import type { GitlabClient } from '../gitlab/index.js';
import type { Sql } from '../store/index.js';
import type { Integrator } from '../log/index.js';
import type { DailyTask } from './run-daily-task.js';
import { sweepSessions } from './sweep-sessions.js';

/** The daily sweep at 02:43 (server time) over the last 26 hours (an overlap, so a late run misses nothing); none without GitLab. */
export function scheduleSweep(deps: { sql: Sql; integrator: Integrator; gitlab: GitlabClient | null }, log: Logger): DailyTask | null {
  const gitlab = deps.gitlab;
  if (gitlab === null) return null;
  return {
    name: 'sweep',
    hour: 2,
    minute: 43,
    run: () => sweepSessions({ sql: deps.sql, integrator: deps.integrator, gitlab }, new Date(Date.now() - 26 * 3_600_000))
      .then((r) => log.info({ sweep: r }, 'session sweep finished'))
      .catch((err: unknown) => log.error({ err }, 'session sweep failed')),
  };
}
