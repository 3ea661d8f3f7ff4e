import { recentStartsWithHours } from '../store/index.js';
import { before, DAY_MS, figure, HOUR_MS, RECENT_MS, round1, type Anomaly, type DetectionContext } from './anomaly.js';

const pad = (h: number) => String(h).padStart(2, '0');

/** The shortest run of hours (wrapping past midnight) holding 90 % of the person's starts: their working day in UTC. */
export function usualHours(counts: readonly number[]): { from: number; to: number } {
  const total = counts.reduce((a, b) => a + b, 0);
  for (let length = 1; length <= 24; length++) {
    for (let start = 0; start < 24; start++) {
      let n = 0;
      for (let i = 0; i < length; i++) n += counts[(start + i) % 24]!;
      if (n >= 0.9 * total) return { from: start, to: (start + length - 1) % 24 };
    }
  }
  return { from: 0, to: 23 };
}

/**
 * off_hours: a person started a session at an hour they (almost) never start
 * one. Their day is learned from their own starts of the baseline days, as
 * counts per UTC hour, so their time zone, a night shift or a split day is
 * simply what the counts say. A start alerts when at most `percent` of those
 * starts fell within an hour either side of its own hour (which also absorbs a
 * change of daylight saving time), and only for a person with minSessions
 * starts to learn from. One alert per person and hour: ten sessions started
 * in the same unusual hour are one finding. The hour is that of the log's
 * recorded time of the start, not of the sender's clock.
 */
export async function detectOffHours(c: DetectionContext): Promise<Anomaly[]> {
  const s = c.settings.offHours;
  const from = before(c.now, RECENT_MS);
  const historyFrom = before(from, c.settings.baselineDays * DAY_MS);
  const found: Anomaly[] = [];
  for (const start of await recentStartsWithHours(c.sql, { from, to: c.now, historyFrom, historyTo: from })) {
    const counts = Array.from({ length: 24 }, () => 0);
    for (const [hour, n] of start.hours) counts[hour] = n;
    const total = counts.reduce((a, b) => a + b, 0);
    if (total < s.minSessions) continue;
    const hour = start.at.getUTCHours();
    const near = counts[(hour + 23) % 24]! + counts[hour]! + counts[(hour + 1) % 24]!;
    const share = (near / total) * 100;
    if (share > s.percent) continue;
    const usual = usualHours(counts);
    const hourStart = new Date(Math.floor(start.at.getTime() / HOUR_MS) * HOUR_MS);
    found.push({
      kind: 'off_hours',
      subject: { type: 'user', value: start.username },
      key: `off_hours:user:${start.username}:${hourStart.toISOString()}`,
      sessionId: start.sessionId,
      projectPath: start.projectPath,
      username: start.username,
      observed: round1(share),
      baseline: null,
      threshold: s.percent,
      unit: 'percent of the person\'s starts within an hour of this one',
      window: { from: historyFrom, to: from },
      reason: `${start.username} started a session at ${start.at.toISOString().slice(11, 16)} UTC; ${figure(near)} of their ${figure(total)} sessions of the ${c.settings.baselineDays} days before started within an hour of that (alert at ${s.percent} % or less); they usually start between ${pad(usual.from)}:00 and ${pad(usual.to)}:59 UTC`,
      details: { hour, started_at: start.at.toISOString(), history_sessions: total, usual_hours_utc: { from: usual.from, to: usual.to }, hours_utc: counts },
    });
  }
  return found;
}
