import type { Sql } from './database.js';

/**
 * Records the lifecycle violations of a session (one row per violating event
 * and rule) and returns those seen for the first time; a violation already
 * flagged is never flagged, nor appended to the log, twice.
 */
export async function flagViolations(tx: Sql, sessionId: string, violations: readonly { eventId: string; rule: string }[]): Promise<{ eventId: string; rule: string }[]> {
  if (violations.length === 0) return [];
  return tx<{ eventId: string; rule: string }[]>`
    insert into lifecycle_flags (session_id, event_id, rule)
    select ${sessionId}, * from unnest(${violations.map((v) => v.eventId)}::uuid[], ${violations.map((v) => v.rule)}::text[])
    on conflict do nothing returning event_id, rule`;
}
