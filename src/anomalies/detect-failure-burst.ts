import { endingCounts } from '../store/index.js';
import { before, DAY_MS, figure, round1, utcMinute, type Anomaly, type DetectionContext } from './anomaly.js';

/**
 * failure_burst: many sessions of one flow type failed in a short window
 * (default 60 minutes): at least minSessions failed, and they were at least
 * `percent` of the flow type's sessions that ended in the window, so that a
 * busy flow type with its usual few failures does not alert. The flow type's
 * failure share over the baseline days is given for comparison. Endings are
 * counted by when the log recorded them.
 */
export async function detectFailureBurst(c: DetectionContext): Promise<Anomaly[]> {
  const s = c.settings.failureBurst;
  const windowMs = s.windowMinutes * 60_000;
  const windowFrom = before(c.now, windowMs);
  const baselineFrom = before(windowFrom, c.settings.baselineDays * DAY_MS);
  const bucket = Math.floor(c.now.getTime() / windowMs);
  const found: Anomaly[] = [];
  for (const row of await endingCounts(c.sql, { baselineFrom, windowFrom, to: c.now }, s.minSessions)) {
    const share = (row.failed / row.ended) * 100;
    if (share < s.percent) continue;
    const usual = row.baselineEnded === 0 ? null : round1((row.baselineFailed / row.baselineEnded) * 100);
    found.push({
      kind: 'failure_burst',
      subject: { type: 'flow_type', value: row.flowType },
      key: `failure_burst:flow_type:${row.flowType}:${bucket}`,
      sessionId: null,
      projectPath: null,
      username: null,
      observed: row.failed,
      baseline: usual,
      threshold: s.minSessions,
      unit: 'failed sessions',
      window: { from: windowFrom, to: c.now },
      reason: `${figure(row.failed)} of the ${figure(row.ended)} ${row.flowType} sessions that ended in the ${s.windowMinutes} minutes before ${utcMinute(c.now)} failed (${figure(round1(share))} %)`
        + `${usual === null ? '' : `; over the ${c.settings.baselineDays} days before, ${figure(usual)} % failed`} (alert at ${s.minSessions} failures that are at least ${s.percent} % of the endings)`,
      details: { ended: row.ended, failed_percent: round1(share), baseline_percent: usual, baseline_ended: row.baselineEnded },
    });
  }
  return found;
}
