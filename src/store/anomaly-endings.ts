// What the anomaly detectors read about session endings and silence
// (src/anomalies/): always by the log's recorded_at, never the sender's clock.
import type { Sql } from './database.js';

// The event types are written as literals, so the planner can match the partial index of migration 0022.

export interface EndingCounts {
  flowType: string;
  /** Sessions whose ending was recorded in the window, and how many of them failed. */
  ended: number;
  failed: number;
  /** The same over the baseline period before the window. */
  baselineEnded: number;
  baselineFailed: number;
}

/** Per flow type with at least `minFailed` failed sessions ended in [windowFrom, to): the window's and the baseline's endings. */
export async function endingCounts(sql: Sql, range: { baselineFrom: Date; windowFrom: Date; to: Date }, minFailed: number): Promise<EndingCounts[]> {
  return sql<EndingCounts[]>`
    with ended as (
      select session_id, min(recorded_at) as at from audit_events
      where type in ('duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped') and recorded_at >= ${range.baselineFrom} and recorded_at < ${range.to}
      group by session_id
    ),
    by_type as (
      select s.flow_type, e.at >= ${range.windowFrom} as recent, s.status = 'failed' as failed
      from ended e join sessions s using (session_id) where s.flow_type is not null
    )
    select flow_type,
      count(*) filter (where recent)::int as ended, count(*) filter (where recent and failed)::int as failed,
      count(*) filter (where not recent)::int as baseline_ended, count(*) filter (where not recent and failed)::int as baseline_failed
    from by_type group by flow_type
    having count(*) filter (where recent and failed) >= ${minFailed}
    order by flow_type`;
}

// A session's tokens: the usage its ending reported (input plus output; only JSON numbers count).
const TOKENS = `(case when jsonb_typeof(s.details->'usage'->'input_tokens') = 'number' or jsonb_typeof(s.details->'usage'->'output_tokens') = 'number' then
  coalesce(case when jsonb_typeof(s.details->'usage'->'input_tokens') = 'number' then (s.details->'usage'->>'input_tokens')::float8 end, 0)
  + coalesce(case when jsonb_typeof(s.details->'usage'->'output_tokens') = 'number' then (s.details->'usage'->>'output_tokens')::float8 end, 0) end)`;

export interface TokenCandidate {
  sessionId: string;
  username: string | null;
  projectPath: string | null;
  flowType: string;
  tokens: number;
  /** The flow type's median tokens and sessions in the baseline period. */
  flowTypeMedian: number | null;
  flowTypeSessions: number;
  /** The person's own median in that flow type, and how many sessions it rests on. */
  personMedian: number | null;
  personSessions: number;
}

/**
 * Sessions ended (completed or failed) in [from, to) that used at least
 * `minTokens`, with the medians of their flow type and of their person in it
 * over the sessions ended in [baselineFrom, from).
 */
export async function tokenCandidates(sql: Sql, range: { baselineFrom: Date; from: Date; to: Date }, minTokens: number): Promise<TokenCandidate[]> {
  return sql<TokenCandidate[]>`
    with r as (
      select s.session_id, s.username, s.project_path, s.flow_type, ${sql.unsafe(TOKENS)} as tokens
      from (select distinct session_id from audit_events
            where type in ('duo_flow_completed', 'duo_flow_failed') and recorded_at >= ${range.from} and recorded_at < ${range.to}) e
      join sessions s using (session_id)
      where s.flow_type is not null and ${sql.unsafe(TOKENS)} >= ${minTokens}
    ),
    base as (
      select s.flow_type, s.username, ${sql.unsafe(TOKENS)} as tokens
      from (select distinct session_id from audit_events
            where type in ('duo_flow_completed', 'duo_flow_failed') and recorded_at >= ${range.baselineFrom} and recorded_at < ${range.from}) e
      join sessions s using (session_id)
      where s.flow_type in (select flow_type from r) and ${sql.unsafe(TOKENS)} is not null
    ),
    ft as (select flow_type, percentile_cont(0.5) within group (order by tokens) as median, count(*)::int as n from base group by 1),
    pu as (select flow_type, username, percentile_cont(0.5) within group (order by tokens) as median, count(*)::int as n
           from base where username in (select username from r) group by 1, 2)
    select r.session_id, r.username, r.project_path, r.flow_type, r.tokens,
      ft.median as flow_type_median, coalesce(ft.n, 0)::int as flow_type_sessions, pu.median as person_median, coalesce(pu.n, 0)::int as person_sessions
    from r left join ft using (flow_type) left join pu on pu.flow_type = r.flow_type and pu.username = r.username
    order by r.session_id`;
}

export interface SilentSession {
  sessionId: string;
  status: string;
  username: string | null;
  projectPath: string | null;
  flowType: string | null;
  /** The session's latest event by recorded time, not counting flowtrail's own (source system). */
  lastAt: Date;
  lastSeq: number;
}

/** Sessions not ended (created, running or paused; not deleted) whose latest own event was recorded in [oldest, silentBefore). */
export async function silentSessions(sql: Sql, range: { oldest: Date; silentBefore: Date }): Promise<SilentSession[]> {
  return sql<SilentSession[]>`
    select s.session_id, s.status, s.username, s.project_path, s.flow_type, l.last_at, l.last_seq::int as last_seq
    from sessions s
    cross join lateral (
      select max(e.recorded_at) as last_at, max(e.seq) as last_seq from audit_events e
      where e.session_id = s.session_id and e.source <> 'system'
    ) l
    where s.status in ('created', 'running', 'paused') and not s.deleted and s.purged_at is null
      and l.last_at >= ${range.oldest} and l.last_at < ${range.silentBefore}
    order by s.session_id`;
}

export interface SweptEnding {
  sessionId: string;
  type: string;
  at: Date;
  /** GitLab's status of the session as the sweep read it (finished, failed, stopped). */
  gitlabStatus: string | null;
  username: string | null;
  projectPath: string | null;
  flowType: string | null;
}

/**
 * Endings recorded in [from, to) that came only from GitLab's own records
 * (source gitlab_archive: the daily sweep's GraphQL read), for sessions that
 * have no ending from any other source.
 */
export async function sweptEndings(sql: Sql, range: { from: Date; to: Date }): Promise<SweptEnding[]> {
  return sql<SweptEnding[]>`
    select e.session_id, e.type, e.recorded_at as at, e.leaf::jsonb->'data'->'gitlab'->>'status' as gitlab_status,
      s.username, s.project_path, s.flow_type
    from audit_events e left join sessions s using (session_id)
    where e.type in ('duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped') and e.recorded_at >= ${range.from} and e.recorded_at < ${range.to}
      and e.source = 'gitlab_archive' and e.session_id is not null and e.leaf is not null
      and not exists (select 1 from audit_events o where o.session_id = e.session_id
                      and o.type in ('duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped') and o.source <> 'gitlab_archive')
    order by e.seq`;
}

/** The kind and subject of each anomaly alert raised since `since` (flowtrail's own events: no sender can write this type). */
export async function recentAnomalies(sql: Sql, since: Date): Promise<{ kind: string; subjectType: string; subjectValue: string; occurredAt: Date }[]> {
  return sql<{ kind: string; subjectType: string; subjectValue: string; occurredAt: Date }[]>`
    select d->>'kind' as kind, d->'subject'->>'type' as subject_type, d->'subject'->>'value' as subject_value, occurred_at
    from (select leaf::jsonb->'data' as d, occurred_at from audit_events
          where type = 'duo_flow_anomaly_detected' and occurred_at >= ${since} and leaf is not null) a`;
}
