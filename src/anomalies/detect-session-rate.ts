import { startCounts, type StartSubject } from '../store/index.js';
import { before, DAY_MS, figure, HOUR_MS, round1, utcMinute, type Anomaly, type DetectionContext } from './anomaly.js';

/**
 * session_rate: a person or a project started far more sessions in the last
 * window (default 24 hours) than its own daily average over the baseline
 * days before it. A subject needs at least minHistoryDays of history (a new
 * person or project has no baseline to be far above) and minSessions in the
 * window (three sessions against an average of a half is not worth a look).
 * Starts are counted by when the log recorded them.
 */
export async function detectSessionRate(c: DetectionContext): Promise<Anomaly[]> {
  const s = c.settings.sessionRate;
  const windowMs = s.windowHours * HOUR_MS;
  const windowFrom = before(c.now, windowMs);
  const baselineFrom = before(windowFrom, c.settings.baselineDays * DAY_MS);
  const bucket = Math.floor(c.now.getTime() / windowMs);
  const found: Anomaly[] = [];
  for (const by of ['user', 'project'] as const satisfies readonly StartSubject[]) {
    for (const row of await startCounts(c.sql, by, { baselineFrom, windowFrom, to: c.now }, s.minSessions)) {
      if (row.firstAt === null) continue;
      const historyMs = windowFrom.getTime() - Math.max(baselineFrom.getTime(), row.firstAt.getTime());
      if (historyMs < s.minHistoryDays * DAY_MS) continue;
      const perDay = (row.past / historyMs) * DAY_MS;
      const expected = (row.past / historyMs) * windowMs;
      const threshold = Math.max(s.minSessions, s.factor * expected);
      if (row.recent < threshold) continue;
      const who = by === 'user' ? row.subject : `Project ${row.subject}`;
      found.push({
        kind: 'session_rate',
        subject: { type: by, value: row.subject },
        key: `session_rate:${by}:${row.subject}:${bucket}`,
        sessionId: null,
        projectPath: by === 'project' ? row.subject : null,
        username: by === 'user' ? row.subject : null,
        observed: row.recent,
        baseline: round1(expected),
        threshold: round1(threshold),
        unit: 'sessions',
        window: { from: windowFrom, to: c.now },
        reason: `${who} started ${figure(row.recent)} sessions in the ${s.windowHours} hours before ${utcMinute(c.now)}, against ${figure(round1(perDay))} a day on average over the ${figure(round1(historyMs / DAY_MS))} days before (alert at ${s.factor} times the usual and at least ${s.minSessions})`,
        details: { per_day: round1(perDay), history_days: round1(historyMs / DAY_MS), history_sessions: row.past },
      });
    }
  }
  return found;
}
