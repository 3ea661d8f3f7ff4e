import type { Sql } from './database.js';

/** How the usage report groups sessions: the project's group (namespace), the project, the initiator, the flow type. */
export const USAGE_GROUPS = ['group', 'project', 'user', 'flow_type'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageFigures {
  sessions: number;
  completed: number;
  failed: number;
  stopped: number;
  /** Running, paused or created: not ended when the report was read. */
  unfinished: number;
  commits: number;
  mergeRequests: number;
  notes: number;
  mergeRequestsMerged: number;
  /** Model tokens the sessions reported when they ended (duo_flow_completed / duo_flow_failed usage). */
  inputTokens: number;
  outputTokens: number;
}

/** One group's figures; `key` is null for sessions without that attribute (no project, no flow type). */
export interface UsageRow extends UsageFigures {
  key: string | null;
}

export interface UsageQuery {
  /** Sessions that started (else were first seen) at or after `from` and before `to`. */
  from: Date;
  to: Date;
  /** Only the sessions this person initiated (a `user` token). */
  username?: string;
}

/** The group key of each session, as SQL. A project's group is its path without the last segment. */
function groupKey(sql: Sql, g: UsageGroup) {
  switch (g) {
    case 'group': return sql`case when strpos(project_path, '/') > 0 then regexp_replace(project_path, '/[^/]*$', '') else project_path end`;
    case 'project': return sql`project_path`;
    case 'user': return sql`username`;
    case 'flow_type': return sql`flow_type`;
  }
}

// Token counts are whatever the sender reported: only JSON numbers count (a sender's string is not summed).
const tokens = (field: string) => `coalesce(sum(case when jsonb_typeof(details->'usage'->'${field}') = 'number' then (details->'usage'->>'${field}')::numeric end), 0)::float8`;

/**
 * The usage report: sessions of the window by group, with their outcomes,
 * what they produced and the tokens they used, most sessions first. One pass
 * over the window's sessions through the (sort_at) index, or the person's
 * (username, sort_at) index; the resource counts are columns of the session
 * (migration 0014), so the log is not read.
 */
export async function usageByGroup(sql: Sql, q: UsageQuery & { groupBy: UsageGroup }): Promise<UsageRow[]> {
  return sql<UsageRow[]>`
    select ${groupKey(sql, q.groupBy)} as key,
      count(*)::int as sessions,
      count(*) filter (where status = 'completed')::int as completed,
      count(*) filter (where status = 'failed')::int as failed,
      count(*) filter (where status = 'stopped')::int as stopped,
      count(*) filter (where status not in ('completed', 'failed', 'stopped'))::int as unfinished,
      coalesce(sum(commits), 0)::int as commits,
      coalesce(sum(merge_requests), 0)::int as merge_requests,
      coalesce(sum(notes), 0)::int as notes,
      coalesce(sum(merge_requests_merged), 0)::int as merge_requests_merged,
      ${sql.unsafe(tokens('input_tokens'))} as input_tokens,
      ${sql.unsafe(tokens('output_tokens'))} as output_tokens
    from sessions
    where sort_at >= ${q.from} and sort_at < ${q.to}
      ${q.username !== undefined ? sql`and username = ${q.username}` : sql``}
    group by 1
    order by sessions desc, key nulls last`;
}

const DAY_MS = 86_400_000;
const wholeDays = (q: UsageQuery) => q.from.getTime() % DAY_MS === 0 && q.to.getTime() % DAY_MS === 0;

/**
 * Sessions per UTC day and status in the window (the usage page's chart).
 * For everyone over whole days, from the per-day counts the triggers of
 * migration 0006 keep; otherwise from the sessions, through their indexes.
 */
export async function usagePerDay(sql: Sql, q: UsageQuery): Promise<{ day: Date; status: string; n: number }[]> {
  if (q.username === undefined && wholeDays(q)) {
    return sql<{ day: Date; status: string; n: number }[]>`
      select day::timestamp at time zone 'UTC' as day, status, sum(n)::int as n from session_day_counts
      where day >= (${q.from}::timestamptz at time zone 'UTC')::date and day < (${q.to}::timestamptz at time zone 'UTC')::date
      group by day, status having sum(n) > 0 order by day, status`;
  }
  return sql<{ day: Date; status: string; n: number }[]>`
    select date_trunc('day', sort_at, 'UTC') as day, status, count(*)::int as n from sessions
    where sort_at >= ${q.from} and sort_at < ${q.to}
      ${q.username !== undefined ? sql`and username = ${q.username}` : sql``}
    group by 1, 2 order by 1, 2`;
}

/**
 * Recounts what a session produced (the columns usageByGroup sums) from its
 * resource events; the projection calls it when a batch brought one.
 */
export async function refreshResourceCounts(tx: Sql, sessionId: string): Promise<void> {
  await tx`
    update sessions s set commits = r.commits, merge_requests = r.merge_requests, notes = r.notes, merge_requests_merged = r.merged
    from (
      select
        count(distinct lower(left(d->>'resource_id', 7))) filter (where d->>'resource_type' = 'Commit' and coalesce(d->>'link_method', '') not in ('merge', 'squash'))::int as commits,
        count(distinct d->>'resource_id') filter (where d->>'resource_type' = 'MergeRequest')::int as merge_requests,
        count(distinct d->>'resource_id') filter (where d->>'resource_type' = 'Note')::int as notes,
        count(distinct d->>'merge_request_iid') filter (where d->>'link_method' in ('merge', 'squash'))::int as merged
      from (select leaf::jsonb->'data' as d from audit_events
            where session_id = ${sessionId} and type in ('duo_flow_resource_created', 'duo_flow_resource_linked') and leaf is not null) e
    ) r
    where s.session_id = ${sessionId}`;
}
