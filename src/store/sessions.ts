import type postgres from 'postgres';
import type { Sql } from './database.js';
import type { Ownership, SessionState, Violation } from '../sessions/index.js';
import type { SessionStatus } from '../events.js';

/** The projects of the sessions GitLab reported (the ones the daily sweep asks GitLab about). */
export async function gitlabSessionProjects(sql: Sql): Promise<string[]> {
  const rows = await sql<{ projectPath: string }[]>`
    select distinct project_path from sessions where project_path is not null and source like 'gitlab_%'`;
  return rows.map((r) => r.projectPath);
}

export interface SessionRow {
  sessionId: string;
  status: SessionStatus;
  deleted: boolean;
  flowType: string | null;
  projectId: string | null;
  projectPath: string | null;
  userId: string | null;
  username: string | null;
  agentId: string | null;
  agentUsername: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  firstOccurredAt: Date;
  lastOccurredAt: Date;
  durationMs: number | null;
  resourcesCreated: number;
  eventsCount: number;
  violations: Violation[];
  authorizationReported: Record<string, unknown> | null;
  authorizationVerified: Record<string, unknown> | null;
  details: Record<string, unknown>;
  source: string;
  updatedAt: Date;
  purgedAt: Date | null;
}

type Obj = Record<string, unknown>;
const json = (sql: Sql, v: unknown) => sql.json(v as postgres.JSONValue);

/** Writes the projection of one session after its events were appended. */
export async function saveSessionProjection(
  tx: Sql,
  sessionId: string,
  state: SessionState,
  extra: { eventsCount: number; firstOccurredAt: Date; lastOccurredAt: Date; source: string; authorizationVerified: Obj | null; agentUsername: string | null; owner: Ownership },
): Promise<void> {
  const start = state.start ?? {};
  // Who, where and through which agent: by source and log order (resolveOwnership), never by the replay's clock.
  const { user, agent, project, flowType } = extra.owner;
  const terminal = state.terminal?.data ?? {};
  const details: Obj = {};
  if (start.model !== undefined) details.model = start.model;
  if (terminal.usage !== undefined) details.usage = terminal.usage;
  if (state.terminal?.type === 'duo_flow_failed') {
    details.error = { category: terminal.error_category, code: terminal.error_code, failed_at_step: terminal.failed_at_step };
  }
  if (state.resourcesCreatedBeforeFailure !== null) details.resources_created_before_failure = state.resourcesCreatedBeforeFailure;
  const row = {
    sessionId,
    status: state.status,
    deleted: state.deleted,
    flowType,
    projectId: project.id ?? null,
    projectPath: project.path ?? null,
    userId: user.id ?? null,
    username: user.username ?? null,
    agentId: agent.id ?? null,
    agentUsername: agent.username ?? extra.agentUsername,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    firstOccurredAt: extra.firstOccurredAt,
    lastOccurredAt: extra.lastOccurredAt,
    sortAt: state.startedAt ?? extra.firstOccurredAt,
    durationMs: state.durationMs,
    resourcesCreated: state.resourcesCreated,
    eventsCount: extra.eventsCount,
    violations: json(tx, state.violations),
    authorizationReported: start.authorization === undefined ? null : json(tx, start.authorization),
    authorizationVerified: extra.authorizationVerified === null ? null : json(tx, extra.authorizationVerified),
    details: json(tx, details),
    source: extra.source,
  };
  await tx`
    insert into sessions ${tx(row)}
    on conflict (session_id) do update set
      status = excluded.status, deleted = excluded.deleted, flow_type = excluded.flow_type,
      project_id = excluded.project_id, project_path = excluded.project_path, user_id = excluded.user_id,
      username = excluded.username, agent_id = excluded.agent_id, agent_username = excluded.agent_username,
      started_at = excluded.started_at, ended_at = excluded.ended_at, first_occurred_at = excluded.first_occurred_at,
      last_occurred_at = excluded.last_occurred_at, sort_at = excluded.sort_at, duration_ms = excluded.duration_ms,
      resources_created = excluded.resources_created, events_count = excluded.events_count,
      violations = excluded.violations, authorization_reported = excluded.authorization_reported,
      authorization_verified = excluded.authorization_verified, details = excluded.details,
      updated_at = now()`;
}

export async function getSession(sql: Sql, sessionId: string): Promise<SessionRow | null> {
  const [row] = await sql<SessionRow[]>`select * from sessions where session_id = ${sessionId}`;
  return row ?? null;
}

export interface SessionFilters {
  username?: string;
  project?: string;
  /** GitLab's numeric project id only (GraphQL's projectId), unlike `project`, which also matches the path. */
  projectId?: string;
  /** GitLab's numeric id of the initiating user (GraphQL's userId). */
  userId?: string;
  flowType?: string;
  status?: string;
  from?: Date;
  to?: Date;
  /** Linked to a commit (duo_flow_resource_linked): a lower-case hex SHA or prefix of one. */
  commitSha?: string;
  /** Linked to this merge request of this project (path_with_namespace, case-insensitive). */
  mergeRequest?: { projectPath: string; iid: string };
}

/** Keyset position: sort_at in microseconds since the epoch (exact, unlike a JS Date) and the session id. */
export interface SessionCursor {
  sortUs: number;
  sessionId: string;
}

/** Keyset paging on (sort_at desc, session_id desc); each filter has an index that serves this order. */
export async function listSessions(sql: Sql, f: SessionFilters, limit: number, after?: SessionCursor): Promise<(SessionRow & { sortUs: number })[]> {
  return sql<(SessionRow & { sortUs: number })[]>`
    select *, (extract(epoch from sort_at) * 1000000)::bigint as sort_us from sessions
    where true
      ${f.username !== undefined ? sql`and username = ${f.username}` : sql``}
      ${f.project !== undefined ? projectFilter(sql, f.project) : sql``}
      ${f.projectId !== undefined ? sql`and project_id = ${f.projectId}` : sql``}
      ${f.userId !== undefined ? sql`and user_id = ${f.userId}` : sql``}
      ${f.flowType !== undefined ? sql`and flow_type = ${f.flowType}` : sql``}
      ${f.status !== undefined ? sql`and status = ${f.status}` : sql``}
      ${f.from !== undefined ? sql`and sort_at >= ${f.from}` : sql``}
      ${f.to !== undefined ? sql`and sort_at < ${f.to}` : sql``}
      ${f.commitSha !== undefined ? linkedToCommit(sql, f.commitSha) : sql``}
      ${f.mergeRequest !== undefined ? linkedToMergeRequest(sql, f.mergeRequest.projectPath, f.mergeRequest.iid) : sql``}
      ${after !== undefined ? sql`and (sort_at, session_id) < ('epoch'::timestamptz + ${after.sortUs}::bigint * interval '1 microsecond', ${after.sessionId})` : sql``}
    order by sort_at desc, session_id desc
    limit ${limit}`;
}

/**
 * Both filters below read duo_flow_resource_linked leaves through the index
 * audit_events_linked_resource (migration 0013), its expression spelled exactly as there.
 *
 * Sessions linked to a commit whose SHA starts with this lower-case hex prefix: trailer links from
 * pushes and the merge and squash commits linked when the merge request was merged. The range
 * (prefix to prefix || 'g', in byte order) lets even a generic plan use the index; like keeps it exact.
 */
function linkedToCommit(sql: Sql, prefix: string) {
  return sql`and session_id in (select session_id from audit_events
    where type = 'duo_flow_resource_linked' and leaf is not null
      and (leaf::jsonb->'data'->>'resource_id') ~>=~ ${prefix} and (leaf::jsonb->'data'->>'resource_id') ~<~ ${prefix + 'g'}
      and (leaf::jsonb->'data'->>'resource_id') like ${prefix + '%'}
      and leaf::jsonb->'data'->>'resource_type' = 'Commit')`;
}

function linkedToMergeRequest(sql: Sql, projectPath: string, iid: string) {
  return sql`and session_id in (select session_id from audit_events
    where type = 'duo_flow_resource_linked' and leaf is not null
      and (leaf::jsonb->'data'->>'resource_id') = ${iid}
      and leaf::jsonb->'data'->>'resource_type' = 'MergeRequest' and lower(project_path) = ${projectPath.toLowerCase()})`;
}

/** The session running for an agent account on a project at a moment (for GitLab's api_request_access_with_scope). */
export async function findRunningSession(sql: Sql, agentId: string, project: string, at: Date): Promise<string | null> {
  const [row] = await sql<{ sessionId: string }[]>`
    select session_id from sessions
    where agent_id = ${agentId} and (project_id = ${project} or project_path = ${project})
      and started_at <= ${at} and (ended_at is null or ended_at >= ${at})
    order by started_at desc limit 1`;
  return row?.sessionId ?? null;
}

export interface SessionTotals {
  eventsCount: number;
  firstOccurredAt: Date;
  lastOccurredAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** What the projection of these sessions adds to: event counts, time spans and running windows so far. */
export async function sessionTotals(sql: Sql, sessionIds: readonly string[]): Promise<Map<string, SessionTotals>> {
  const rows = await sql<(SessionTotals & { sessionId: string })[]>`
    select session_id, events_count, first_occurred_at, last_occurred_at, started_at, ended_at
    from sessions where session_id = any(${sessionIds as string[]}::text[])`;
  return new Map(rows.map((r) => [r.sessionId, r]));
}

/** Counts events that changed nothing else (activity inside the running window) into their sessions, in one statement; a null last (only flowtrail's own events) leaves last_occurred_at as it is. */
export async function addSessionActivity(sql: Sql, updates: readonly { sessionId: string; count: number; last: Date | null }[]): Promise<void> {
  if (updates.length === 0) return;
  await sql`update sessions s set events_count = s.events_count + u.count,
      last_occurred_at = greatest(s.last_occurred_at, u.last), updated_at = now()
    from unnest(${updates.map((u) => u.sessionId)}::text[], ${updates.map((u) => u.count)}::int[], ${updates.map((u) => u.last?.toISOString() ?? null)}::timestamptz[]) as u(session_id, count, last)
    where s.session_id = u.session_id`;
}

/** The sessions among these ids that exist, with what the push check needs. */
export async function sessionsByIds(sql: Sql, ids: readonly string[]): Promise<{ sessionId: string; projectPath: string | null; startedAt: Date | null; endedAt: Date | null; source: string; agentUsername: string | null }[]> {
  return sql<{ sessionId: string; projectPath: string | null; startedAt: Date | null; endedAt: Date | null; source: string; agentUsername: string | null }[]>`
    select session_id, project_path, started_at, ended_at, source, agent_username from sessions where session_id = any(${ids as string[]}::text[])`;
}

/** A project by path ("group/project": always a slash) or by GitLab's numeric id: one indexed column either way. */
export function projectFilter(sql: Sql, project: string) {
  return project.includes('/') ? sql`and project_path = ${project}` : sql`and project_id = ${project}`;
}

/** The project of each of these sessions that exists (as its projection resolved it). */
export async function sessionProjects(sql: Sql, ids: readonly string[]): Promise<Map<string, { id: string | null; path: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ sessionId: string; projectId: string | null; projectPath: string | null }[]>`
    select session_id, project_id, project_path from sessions where session_id = any(${ids as string[]}::text[])`;
  return new Map(rows.map((r) => [r.sessionId, { id: r.projectId, path: r.projectPath }]));
}
