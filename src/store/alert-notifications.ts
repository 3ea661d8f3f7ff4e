import type { Sql } from './database.js';
import type { StoredEvent } from './audit-reads.js';
import { typeList } from './dashboard.js';

export const NOTIFY_CHANNELS = ['webhook', 'gitlab_issue'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

export interface NotifierRow {
  channel: NotifyChannel;
  /** The last log position this channel has handled. */
  cursorSeq: number;
  sentTotal: number;
  failuresTotal: number;
  failingSince: Date | null;
  lastError: string | null;
  startedAt: Date;
}

/** An alert waiting to be notified, with its session's project and initiator when the event itself names none. */
export type WaitingAlert = StoredEvent & { sessionProjectPath: string | null; sessionUsername: string | null };

export interface NotificationRow {
  attempts: number;
  sentAt: Date | null;
  gitlabIssueIid: number | null;
  gitlabIssueUrl: string | null;
}

/**
 * The channel's cursor; a channel seen for the first time starts at
 * `startSeq` (the end of the log), so alerts recorded before it was
 * configured are not announced.
 */
export async function openNotifier(sql: Sql, channel: NotifyChannel, startSeq: number): Promise<NotifierRow> {
  await sql`insert into alert_notifiers (channel, cursor_seq) values (${channel}, ${startSeq}) on conflict (channel) do nothing`;
  return (await readNotifier(sql, channel))!;
}

/** A channel's cursor and figures; null before the channel was first opened. */
export async function readNotifier(sql: Sql, channel: NotifyChannel): Promise<NotifierRow | null> {
  const [row] = await sql<NotifierRow[]>`select * from alert_notifiers where channel = ${channel}`;
  return row ?? null;
}

export async function listNotifiers(sql: Sql): Promise<NotifierRow[]> {
  return sql<NotifierRow[]>`select * from alert_notifiers order by channel`;
}

/** The first alert after `afterSeq` and before `head` (the log's committed size), or null. */
export async function nextAlert(sql: Sql, types: readonly string[], afterSeq: number, head: number): Promise<WaitingAlert | null> {
  const [row] = await sql<WaitingAlert[]>`
    select e.seq, e.leaf, e.leaf_hash, e.text_salt, e.texts, e.purged_at,
      s.project_path as session_project_path, s.username as session_username
    from audit_events e left join sessions s on s.session_id = e.session_id
    where e.seq > ${afterSeq} and e.seq < ${head} and e.type in (${typeList(sql, types)})
    order by e.seq limit 1`;
  return row ?? null;
}

/** Moves a channel's cursor from `from` to `to`, only when it is still at `from` (another process that took over has not moved it). */
export async function advanceNotifier(sql: Sql, channel: NotifyChannel, from: number, to: number, sent: number): Promise<boolean> {
  const rows = await sql`
    update alert_notifiers set cursor_seq = ${to}, sent_total = sent_total + ${sent}, failing_since = null, last_error = null, updated_at = now()
    where channel = ${channel} and cursor_seq = ${from} returning channel`;
  return rows.length === 1;
}

/** Counts an attempt before it is made (a crash mid-try leaves it counted); answers what is known of the alert on this channel. */
export async function countAttempt(sql: Sql, alertSeq: number, channel: NotifyChannel): Promise<NotificationRow> {
  const [row] = await sql<NotificationRow[]>`
    insert into alert_notifications (alert_seq, channel, attempts, last_attempt_at) values (${alertSeq}, ${channel}, 1, now())
    on conflict (alert_seq, channel) do update set attempts = alert_notifications.attempts + 1, last_attempt_at = now()
    returning attempts, sent_at, gitlab_issue_iid::int as gitlab_issue_iid, gitlab_issue_url`;
  return row!;
}

/** Records that the alert was sent on the channel (with the issue opened for it). */
export async function recordNotified(sql: Sql, alertSeq: number, channel: NotifyChannel, issue?: { iid: number; url: string }): Promise<void> {
  await sql`
    update alert_notifications set sent_at = coalesce(sent_at, now()), last_error = null,
      gitlab_issue_iid = coalesce(gitlab_issue_iid, ${issue?.iid ?? null}), gitlab_issue_url = coalesce(gitlab_issue_url, ${issue?.url ?? null})
    where alert_seq = ${alertSeq} and channel = ${channel}`;
}

/** Records a failed try, on the alert and on its channel. */
export async function recordNotifyFailure(sql: Sql, alertSeq: number, channel: NotifyChannel, error: string): Promise<void> {
  await sql`update alert_notifications set last_error = ${error} where alert_seq = ${alertSeq} and channel = ${channel}`;
  await sql`
    update alert_notifiers set failures_total = failures_total + 1, failing_since = coalesce(failing_since, now()), last_error = ${error}, updated_at = now()
    where channel = ${channel}`;
}

/** Alerts after a channel's cursor, and when the oldest of them was recorded (null when none waits). */
export async function alertsWaiting(sql: Sql, types: readonly string[], cursorSeq: number): Promise<{ count: number; oldest: Date | null }> {
  const [row] = await sql<{ count: number; oldest: Date | null }[]>`
    select count(*)::int as count, min(recorded_at) as oldest from audit_events
    where seq > ${cursorSeq} and type in (${typeList(sql, types)})`;
  return row ?? { count: 0, oldest: null };
}
