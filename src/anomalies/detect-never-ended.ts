import { silentSessions, sweptEndings } from '../store/index.js';
import { before, DAY_MS, figure, HOUR_MS, RECENT_MS, round1, utcMinute, type Anomaly, type DetectionContext } from './anomaly.js';

const who = (r: { status?: string; flowType: string | null; username: string | null }) =>
  [r.status, r.flowType, r.username === null ? null : `by ${r.username}`].filter((x) => x !== null && x !== undefined).join(', ');

/**
 * never_ended, two ways:
 * - silent: a session that has not ended (created, running or paused) and
 *   whose latest event from anyone but flowtrail itself was recorded more than
 *   `hours` ago. A long session that still logs activity is not silent. One
 *   alert per silence: if the session speaks again and falls silent again, that
 *   is a new alert. Silences older than the baseline days are not reported, so
 *   turning detection on does not raise the whole past at once.
 * - ended by GitLab's clean-up: the session's only ending came from GitLab's
 *   own records (source gitlab_archive, which only the daily sweep's GraphQL
 *   read writes for endings): neither the sender nor GitLab's audit stream
 *   ever said it ended. That is what a session looks like that GitLab closed
 *   by itself (dropped, or archived 30 days after its last activity) or
 *   whose ending was lost on the way. GitLab's status is given.
 */
export async function detectNeverEnded(c: DetectionContext): Promise<Anomaly[]> {
  const hours = c.settings.neverEnded.hours;
  const found: Anomaly[] = [];
  const silentBefore = before(c.now, hours * HOUR_MS);
  for (const r of await silentSessions(c.sql, { oldest: before(c.now, c.settings.baselineDays * DAY_MS), silentBefore })) {
    const silent = round1((c.now.getTime() - r.lastAt.getTime()) / HOUR_MS);
    found.push({
      kind: 'never_ended',
      subject: { type: 'session', value: r.sessionId },
      key: `never_ended:session:${r.sessionId}:silent:${r.lastSeq}`,
      sessionId: r.sessionId, projectPath: r.projectPath, username: r.username,
      observed: silent, baseline: null, threshold: hours, unit: 'hours without an event',
      window: { from: r.lastAt, to: c.now },
      reason: `Session ${r.sessionId} (${who(r)}) has not ended and has had no event for ${figure(silent)} hours, since ${utcMinute(r.lastAt)} (alert after ${hours} hours)`,
      details: { ending: 'none', status: r.status, last_event_seq: r.lastSeq },
    });
  }
  const from = before(c.now, RECENT_MS);
  for (const r of await sweptEndings(c.sql, { from, to: c.now })) {
    found.push({
      kind: 'never_ended',
      subject: { type: 'session', value: r.sessionId },
      key: `never_ended:session:${r.sessionId}:gitlab`,
      sessionId: r.sessionId, projectPath: r.projectPath, username: r.username,
      observed: 0, baseline: null, threshold: 1, unit: 'endings reported by the session or GitLab\'s audit stream',
      window: { from, to: c.now },
      reason: `Session ${r.sessionId}${who(r) === '' ? '' : ` (${who(r)})`} ended only in GitLab's own records (status ${r.gitlabStatus ?? 'unknown'}, read by the daily sweep at ${utcMinute(r.at)}): no ending reached flowtrail from the session's sender or GitLab's audit stream`,
      details: { ending: 'gitlab_cleanup', gitlab_status: r.gitlabStatus, recorded_type: r.type },
    });
  }
  return found;
}
