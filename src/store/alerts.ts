import { randomUUID } from 'node:crypto';
import type { EventName } from '../events.js';
import type { Pool, Sql } from './database.js';
import { typeList } from './dashboard.js';
import { recordEvents } from './intake.js';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface AlertRow {
  seq: number;
  type: string;
  sessionId: string | null;
  occurredAt: Date;
  leaf: string | null;
  state: AlertState;
  actor: string | null;
  reason: string | null;
  actedAt: Date | null;
  /** When the alert webhook (FLOWTRAIL_ALERT_WEBHOOK_URL) received it; null until then or without one. */
  notifiedAt: Date | null;
  /** The GitLab issue opened for it (FLOWTRAIL_ALERT_ISSUE_PROJECT). */
  gitlabIssueIid: number | null;
  gitlabIssueUrl: string | null;
}

/**
 * Alerts (events of the alert types), newest first, each with its state: the
 * latest action taken on it, or open. `before` pages by log position.
 */
export async function listAlerts(sql: Sql, types: readonly string[], options: { state?: AlertState; seq?: number; before?: number; limit: number }): Promise<AlertRow[]> {
  const state = options.state ?? null;
  return sql<AlertRow[]>`
    select e.seq::int as seq, e.type, e.session_id, e.occurred_at, e.leaf,
      coalesce(a.action, 'open') as state, a.actor, a.reason, a.at as acted_at,
      w.sent_at as notified_at, g.gitlab_issue_iid::int as gitlab_issue_iid, g.gitlab_issue_url
    from audit_events e
    left join lateral (select action, actor, reason, at from alert_actions x where x.alert_seq = e.seq order by x.id desc limit 1) a on true
    left join alert_notifications w on w.alert_seq = e.seq and w.channel = 'webhook'
    left join alert_notifications g on g.alert_seq = e.seq and g.channel = 'gitlab_issue'
    where e.type in (${typeList(sql, types)})
      and (${options.seq ?? null}::bigint is null or e.seq = ${options.seq ?? null}::bigint)
      and (${options.before ?? null}::bigint is null or e.seq < ${options.before ?? null}::bigint)
      and (${state}::text is null or coalesce(a.action, 'open') = ${state}::text)
    order by e.seq desc limit ${options.limit}`;
}

/** Adds an action to an alert and queues its audit record in the same transaction. */
export async function recordAlertAction(sql: Pool, alert: { seq: number; type: string }, action: 'acknowledged' | 'resolved', actor: string, reason: string): Promise<Date> {
  return sql.begin(async (tx) => {
    const [row] = await tx<{ at: Date }[]>`insert into alert_actions (alert_seq, action, actor, reason) values (${alert.seq}, ${action}, ${actor}, ${reason}) returning at`;
    const type: EventName = action === 'acknowledged' ? 'alert_acknowledged' : 'alert_resolved';
    await recordEvents(tx as unknown as Sql, [{
      eventId: randomUUID(), type, sessionId: null, occurredAt: row!.at.toISOString(), source: 'system',
      data: { alert_seq: alert.seq, alert_type: alert.type, actor, reason },
    }]);
    return row!.at;
  });
}
