import { tokenCandidates } from '../store/index.js';
import { before, DAY_MS, figure, RECENT_MS, round1, type Anomaly, type DetectionContext } from './anomaly.js';

/** A person's own median counts once it rests on this many sessions of the flow type. */
export const PERSON_MIN_SESSIONS = 5;

/**
 * token_spike: a session that ended in the last two days used at least
 * minTokens and `factor` times the median of its flow type over the baseline
 * days (which needs minSessions sessions to be a baseline), and, when its
 * person has PERSON_MIN_SESSIONS sessions of that flow type there, also
 * `factor` times that person's own median: someone whose work always takes
 * many tokens is not a spike. Tokens are what the session's ending reported
 * (usage.input_tokens plus usage.output_tokens).
 */
export async function detectTokenSpike(c: DetectionContext): Promise<Anomaly[]> {
  const s = c.settings.tokenSpike;
  const from = before(c.now, RECENT_MS);
  const baselineFrom = before(from, c.settings.baselineDays * DAY_MS);
  const found: Anomaly[] = [];
  for (const row of await tokenCandidates(c.sql, { baselineFrom, from, to: c.now }, s.minTokens)) {
    if (row.flowTypeSessions < s.minSessions || row.flowTypeMedian === null) continue;
    const threshold = Math.max(s.minTokens, s.factor * row.flowTypeMedian);
    if (row.tokens < threshold) continue;
    const own = row.personSessions >= PERSON_MIN_SESSIONS && row.personMedian !== null ? row.personMedian : null;
    if (own !== null && row.tokens < s.factor * own) continue;
    const times = row.flowTypeMedian > 0 ? `${figure(round1(row.tokens / row.flowTypeMedian))} times` : 'far above';
    found.push({
      kind: 'token_spike',
      subject: { type: 'session', value: row.sessionId },
      key: `token_spike:session:${row.sessionId}`,
      sessionId: row.sessionId,
      projectPath: row.projectPath,
      username: row.username,
      observed: row.tokens,
      baseline: row.flowTypeMedian,
      threshold,
      unit: 'tokens',
      window: { from: baselineFrom, to: from },
      reason: `Session ${row.sessionId} (${row.flowType}${row.username === null ? '' : `, by ${row.username}`}) used ${figure(row.tokens)} tokens: ${times} the median of ${figure(row.flowTypeMedian)} over ${figure(row.flowTypeSessions)} ${row.flowType} sessions of the ${c.settings.baselineDays} days before`
        + `${own === null ? '' : `, and ${figure(round1(row.tokens / Math.max(own, 1)))} times ${row.username}'s own median of ${figure(own)}`} (alert at ${s.factor} times and at least ${figure(s.minTokens)})`,
      details: { flow_type: row.flowType, flow_type_sessions: row.flowTypeSessions, person_median: own, person_sessions: row.personSessions },
    });
  }
  return found;
}
