import type { Sql } from './database.js';
import { projectFilter, type SessionFilters } from './sessions.js';

/** Sessions per UTC day (by when they started, else first seen) for the dashboard's chart. */
export async function sessionsPerDay(sql: Sql, f: SessionFilters & { from: Date; to: Date }): Promise<{ day: Date; n: number }[]> {
  return sql<{ day: Date; n: number }[]>`
    select date_trunc('day', sort_at, 'UTC') as day, count(*)::int as n from sessions
    where sort_at >= ${f.from} and sort_at < ${f.to}
      ${f.username !== undefined ? sql`and username = ${f.username}` : sql``}
      ${f.project !== undefined ? projectFilter(sql, f.project) : sql``}
      ${f.flowType !== undefined ? sql`and flow_type = ${f.flowType}` : sql``}
      ${f.status !== undefined ? sql`and status = ${f.status}` : sql``}
    group by 1 order by 1`;
}

/** How many events of each alert type occurred in a window, newest first per type. */
export async function alertCounts(sql: Sql, types: readonly string[], from: Date, to: Date): Promise<{ type: string; n: number; latest: Date }[]> {
  return sql<{ type: string; n: number; latest: Date }[]>`
    select type, count(*)::int as n, max(occurred_at) as latest from audit_events
    where type = any(${types as string[]}::text[]) and occurred_at >= ${from} and occurred_at < ${to}
    group by type order by n desc`;
}
