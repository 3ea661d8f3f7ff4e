import { eventSources, fromEventSources, unionAll, type EventFilters, type StoredEvent } from './audit-reads.js';
import type { Sql } from './database.js';
import { projectFilter, type SessionFilters } from './sessions.js';

/**
 * Sessions per UTC day (by when they started, else first seen) for the
 * dashboard's chart. Without a user or project filter it reads the counts the
 * triggers of migration 0006 keep; with one, that filter's index.
 */
export async function sessionsPerDay(sql: Sql, f: SessionFilters & { from: Date; to: Date }): Promise<{ day: Date; n: number }[]> {
  if (f.username === undefined && f.project === undefined) {
    return sql<{ day: Date; n: number }[]>`
      select day::timestamp at time zone 'UTC' as day, sum(n)::int as n from session_day_counts
      where day >= (${f.from}::timestamptz at time zone 'UTC')::date and day < (${f.to}::timestamptz at time zone 'UTC')::date
        ${f.flowType !== undefined ? sql`and flow_type = ${f.flowType}` : sql``}
        ${f.status !== undefined ? sql`and status = ${f.status}` : sql``}
      group by day having sum(n) > 0 order by day`;
  }
  return sql<{ day: Date; n: number }[]>`
    select date_trunc('day', sort_at, 'UTC') as day, count(*)::int as n from sessions
    where sort_at >= ${f.from} and sort_at < ${f.to}
      ${f.username !== undefined ? sql`and username = ${f.username}` : sql``}
      ${f.project !== undefined ? projectFilter(sql, f.project) : sql``}
      ${f.flowType !== undefined ? sql`and flow_type = ${f.flowType}` : sql``}
      ${f.status !== undefined ? sql`and status = ${f.status}` : sql``}
    group by 1 order by 1`;
}

const TYPE_NAME = /^[a-z_]+$/;

/** Event type names as SQL literals (checked), so that the planner can prove a partial index's predicate. */
export function typeList(sql: Sql, types: readonly string[]) {
  if (types.length === 0 || !types.every((t) => TYPE_NAME.test(t))) throw new Error('alert types must be event type names');
  return sql.unsafe(types.map((t) => `'${t}'`).join(', '));
}

/** Whose alerts: those of the sessions of this user, project or flow type, and the session-less ones naming the user or project. */
export type AlertFilters = Pick<DashboardEventFilters, 'username' | 'project' | 'flowType'>;

/** The alerts of a window and filter, each source read on its own (eventSources) and joined. */
function alertRows(sql: Sql, types: readonly string[], from: Date, to: Date, f: AlertFilters, columns: ReturnType<Sql>, tail: ReturnType<Sql>) {
  const list = typeList(sql, types);
  return unionAll(sql, eventSources(sql, f).map((where) => sql`(select ${columns} from audit_events
    where type in (${list}) and occurred_at >= ${from} and occurred_at < ${to} and ${where} ${tail})`));
}

/**
 * How many events of each alert type occurred in a window, for the page's
 * user, project or flow type. The types are written into the SQL as literals
 * (checked names) so that the planner can use the partial index of migration 0006.
 */
export async function alertCounts(sql: Sql, types: readonly string[], from: Date, to: Date, f: AlertFilters = {}): Promise<{ type: string; n: number; latest: Date }[]> {
  const rows = alertRows(sql, types, from, to, f, sql`type, occurred_at`, sql``);
  return sql<{ type: string; n: number; latest: Date }[]>`
    select type, count(*)::int as n, max(occurred_at) as latest from (${rows}) a
    group by type order by n desc, type`;
}

/** The newest alerts of a window and filter, all types together (the same partial index). */
export async function recentAlerts(sql: Sql, types: readonly string[], from: Date, to: Date, limit: number, f: AlertFilters = {}): Promise<StoredEvent[]> {
  const rows = alertRows(sql, types, from, to, f, sql`seq, leaf, leaf_hash, text_salt, texts, purged_at, occurred_at`, sql`order by occurred_at desc, seq desc limit ${limit}`);
  return sql<StoredEvent[]>`
    select seq, leaf, leaf_hash, text_salt, texts, purged_at from (${rows}) a
    order by occurred_at desc, seq desc limit ${limit}`;
}

/** The event filters of the API and the export, without the session and the `user` role's pin. */
export type DashboardEventFilters = Omit<EventFilters, 'sessionId' | 'ownerUsername'>;

/** Keyset position in the dashboard's order: occurred_at (microseconds) and seq, newest first. */
export interface EventCursor {
  occurredUs: number;
  seq: number;
}

/**
 * The dashboard's events, newest first by when they occurred. A person's,
 * project's or flow type's events are those of their sessions and the
 * session-less events naming them (eventSources, shared with the API and the
 * export), so no such filter scans the log.
 */
export async function dashboardEvents(sql: Sql, f: DashboardEventFilters, limit: number, before?: EventCursor): Promise<(StoredEvent & { occurredUs: number })[]> {
  const common = sql`
    ${f.type !== undefined ? sql`and type = ${f.type}` : sql``}
    ${f.from !== undefined ? sql`and occurred_at >= ${f.from}` : sql``}
    ${f.to !== undefined ? sql`and occurred_at < ${f.to}` : sql``}
    ${before !== undefined ? sql`and (occurred_at, seq) < ('epoch'::timestamptz + ${before.occurredUs}::bigint * interval '1 microsecond', ${before.seq})` : sql``}`;
  const columns = sql`seq, leaf, leaf_hash, text_salt, texts, purged_at, occurred_at, (extract(epoch from occurred_at) * 1000000)::bigint as occurred_us`;
  const order = sql`occurred_at desc, seq desc`;
  const query = fromEventSources(sql, f, (where) => sql`(select ${columns} from audit_events where ${where} ${common} order by ${order} limit ${limit})`, order, limit);
  return sql<(StoredEvent & { occurredUs: number })[]>`${query}`;
}
