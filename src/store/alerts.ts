import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import type { EventName } from '../events.js';
import type { Pool, Sql } from './database.js';
import { typeList } from './dashboard.js';
import { recordEvents } from './intake.js';

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export type AlertAction = Exclude<AlertState, 'open'>;

export interface AlertRow {
  seq: number;
  type: string;
  sessionId: string | null;
  occurredAt: Date;
  leaf: string | null;
  leafHash: Buffer;
  textSalt: Buffer | null;
  texts: Record<string, unknown> | null;
  purgedAt: Date | null;
  /** The alert's session's initiator and project, when the alert names a session flowtrail knows. */
  sessionUsername: string | null;
  sessionProject: string | null;
  state: AlertState;
  actor: string | null;
  /** The acting token's person or name (null for a GitLab sign-in, whose actor names the GitLab user). */
  actorName: string | null;
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
    select e.seq::int as seq, e.type, e.session_id, e.occurred_at, e.leaf, e.leaf_hash, e.text_salt, e.texts, e.purged_at,
      s.username as session_username, s.project_path as session_project,
      coalesce(a.action, 'open') as state, a.actor, coalesce(t.username, t.name) as actor_name, a.reason, a.at as acted_at,
      w.sent_at as notified_at, g.gitlab_issue_iid::int as gitlab_issue_iid, g.gitlab_issue_url
    from audit_events e
    left join lateral (select action, actor, reason, at from alert_actions x where x.alert_seq = e.seq order by x.id desc limit 1) a on true
    left join sessions s on s.session_id = e.session_id
    left join api_tokens t on t.id = a.actor
    left join alert_notifications w on w.alert_seq = e.seq and w.channel = 'webhook'
    left join alert_notifications g on g.alert_seq = e.seq and g.channel = 'gitlab_issue'
    where e.type in (${typeList(sql, types)})
      and (${options.seq ?? null}::bigint is null or e.seq = ${options.seq ?? null}::bigint)
      and (${options.before ?? null}::bigint is null or e.seq < ${options.before ?? null}::bigint)
      and (${state}::text is null or coalesce(a.action, 'open') = ${state}::text)
    order by e.seq desc limit ${options.limit}`;
}

/** How many alerts of the types are in each state. */
export async function countAlertStates(sql: Sql, types: readonly string[]): Promise<Record<AlertState, number>> {
  const rows = await sql<{ state: AlertState; n: number }[]>`
    select coalesce(a.action, 'open') as state, count(*)::int as n
    from audit_events e
    left join lateral (select action from alert_actions x where x.alert_seq = e.seq order by x.id desc limit 1) a on true
    where e.type in (${typeList(sql, types)})
    group by 1`;
  const counts: Record<AlertState, number> = { open: 0, acknowledged: 0, resolved: 0 };
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

/** The states an action may move an alert from: open -> acknowledged -> resolved (resolving an open alert at once too). */
const ALLOWED_FROM: Record<AlertAction, readonly AlertState[]> = { acknowledged: ['open'], resolved: ['open', 'acknowledged'] };
/** The advisory lock class under which one action at a time is taken on an alert. */
const ALERT_LOCK = 0x616c7274;

/**
 * Moves an alert on (acknowledged or resolved) and queues its audit record in
 * the same transaction, under a lock on the alert so that two people acting at
 * once cannot both acknowledge it. Not found and a wrong state are AppErrors
 * (not_found, conflict) that say what the alert is.
 */
export async function recordAlertAction(sql: Pool, types: readonly string[], seq: number, action: AlertAction, actor: string, reason: string): Promise<AlertRow> {
  await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    await t`select pg_advisory_xact_lock(${ALERT_LOCK}, ${seq % 2_147_483_647}::int)`;
    const [alert] = await listAlerts(t, types, { seq, limit: 1 });
    if (alert === undefined) throw new AppError('not_found', `there is no alert at log position ${seq}`);
    if (!ALLOWED_FROM[action].includes(alert.state)) {
      throw new AppError('conflict', `alert ${seq} is already ${alert.state}${alert.actedAt === null ? '' : ` (${alert.actedAt.toISOString()} by ${alert.actorName ?? alert.actor})`}`);
    }
    const [row] = await t<{ at: Date }[]>`insert into alert_actions (alert_seq, action, actor, reason) values (${seq}, ${action}, ${actor}, ${reason}) returning at`;
    const type: EventName = action === 'acknowledged' ? 'alert_acknowledged' : 'alert_resolved';
    await recordEvents(t, [{
      eventId: randomUUID(), type, sessionId: null, occurredAt: row!.at.toISOString(), source: 'system',
      data: { alert_seq: seq, alert_type: alert.type, actor, reason },
    }]);
  });
  const [after] = await listAlerts(sql, types, { seq, limit: 1 });
  return after!;
}
