import type { Sql } from './database.js';
import type { CheckpointRow } from './checkpoints.js';
import { splitHashes } from './log-state.js';

/**
 * The reads behind an evidence pack (src/reports/). Every figure counts the
 * events of the log below one signed checkpoint (seq < treeSize) that
 * occurred in the period [from, to), so that a bundle of the same events
 * against the same checkpoint recounts it.
 */
export interface PackWindow {
  from: Date;
  to: Date;
  treeSize: number;
}

const within = (sql: Sql, w: PackWindow) => sql`seq < ${w.treeSize} and occurred_at >= ${w.from} and occurred_at < ${w.to}`;

/** How many events of each type, and from each source, the window holds. */
export async function eventCountsIn(sql: Sql, w: PackWindow): Promise<{ byType: Record<string, number>; bySource: Record<string, number> }> {
  const rows = await sql<{ type: string; source: string; n: number }[]>`
    select type, source, count(*)::int as n from audit_events where ${within(sql, w)} group by type, source`;
  const byType: Record<string, number> = {};
  const bySource: Record<string, number> = {};
  for (const r of rows) {
    byType[r.type] = (byType[r.type] ?? 0) + r.n;
    bySource[r.source] = (bySource[r.source] ?? 0) + r.n;
  }
  return { byType, bySource };
}

export interface StartedSessionFigures {
  started: number;
  /** flowtrail checked the access with GitLab (a duo_flow_authorization_verified event below the checkpoint). */
  verified: number;
  /** The agent platform reported an authorization on duo_flow_started. */
  reported: number;
  /** Neither verified nor reported. */
  withoutEvidence: number;
  /** Initiator (username) and project recorded. */
  withInitiatorAndProject: number;
  /** Agent account and flow type recorded as well. */
  withAgentAndFlowType: number;
}

/** Sessions that started in the window (their first duo_flow_started event), and what their start recorded. */
export async function startedSessionFigures(sql: Sql, w: PackWindow): Promise<StartedSessionFigures> {
  const [r] = await sql<StartedSessionFigures[]>`
    with started as (
      select distinct on (session_id) session_id, username, project_path, leaf::jsonb -> 'data' as d from audit_events
      where type = 'duo_flow_started' and session_id is not null and ${within(sql, w)}
      order by session_id, seq
    ), judged as (
      select s.*,
        exists (select 1 from audit_events v where v.session_id = s.session_id and v.type = 'duo_flow_authorization_verified' and v.seq < ${w.treeSize}) as verified,
        jsonb_typeof(d -> 'authorization') = 'object' as reported,
        coalesce(username, d -> 'user' ->> 'username') is not null and coalesce(project_path, d -> 'project' ->> 'path') is not null as who_where,
        (d -> 'agent' ->> 'username') is not null and (d ->> 'flow_type') is not null as agent_flow
      from started s
    )
    select count(*)::int as started,
      count(*) filter (where verified)::int as verified,
      count(*) filter (where coalesce(reported, false))::int as reported,
      count(*) filter (where not verified and not coalesce(reported, false))::int as without_evidence,
      count(*) filter (where who_where)::int as with_initiator_and_project,
      count(*) filter (where who_where and agent_flow)::int as with_agent_and_flow_type
    from judged`;
  return r!;
}

/** Distinct agent commits tied to a session, flagged untraced, and references to unknown sessions, in the window. */
export async function commitFigures(sql: Sql, w: PackWindow): Promise<{ traced: number; untraced: number; unknownReferences: number; sessionsWithViolations: number }> {
  const [r] = await sql<{ traced: number; untraced: number; unknownReferences: number; sessionsWithViolations: number }[]>`
    select
      count(distinct leaf::jsonb -> 'data' ->> 'resource_id') filter (
        where type in ('duo_flow_resource_linked', 'duo_flow_resource_created') and leaf::jsonb -> 'data' ->> 'resource_type' = 'Commit')::int as traced,
      count(distinct coalesce(leaf::jsonb -> 'data' ->> 'sha', leaf::jsonb ->> 'source_id')) filter (where type = 'duo_flow_untraced_agent_commit')::int as untraced,
      count(*) filter (where type = 'duo_flow_unknown_session_reference')::int as unknown_references,
      count(distinct session_id) filter (where type = 'duo_flow_lifecycle_violation')::int as sessions_with_violations
    from audit_events
    where type in ('duo_flow_resource_linked', 'duo_flow_resource_created', 'duo_flow_untraced_agent_commit', 'duo_flow_unknown_session_reference', 'duo_flow_lifecycle_violation')
      and ${within(sql, w)}`;
  return r!;
}

/** The data of the window's events of a few low-volume types (retention runs, erasures, exports, push decisions, packs). */
export async function eventDataOf(sql: Sql, w: PackWindow, types: readonly string[]): Promise<{ seq: number; type: string; data: Record<string, unknown> | null }[]> {
  return sql<{ seq: number; type: string; data: Record<string, unknown> | null }[]>`
    select seq, type, leaf::jsonb -> 'data' as data from audit_events
    where type = any(${types as string[]}::text[]) and ${within(sql, w)} order by seq`;
}

/** Checkpoints signed during the period, up to the pack's. */
export async function checkpointsSignedIn(sql: Sql, w: PackWindow): Promise<number> {
  const [r] = await sql<{ n: number }[]>`select count(*)::int as n from checkpoints
    where created_at >= ${w.from} and created_at < ${w.to} and tree_size <= ${w.treeSize}`;
  return r!.n;
}

/**
 * The checkpoint a pack for the period [from, to) stands on: the smallest
 * signed tree holding every event recorded before `to` and every event known
 * now to have occurred in the period (late arrivals included), leaving out
 * the events that record checkpoints (each is one leaf past its own). Null when no
 * checkpoint holds them yet (sign one, then ask again).
 */
export async function checkpointCovering(sql: Sql, from: Date, to: Date): Promise<CheckpointRow | null> {
  const [row] = await sql<{ last: number | null }[]>`select greatest(
      (select seq from audit_events where recorded_at < ${to} and type <> 'integrity_checkpoint' order by seq desc limit 1),
      (select max(seq) from audit_events where occurred_at >= ${from} and occurred_at < ${to} and type <> 'integrity_checkpoint')) as last`;
  const need = row?.last === null || row?.last === undefined ? 1 : Number(row.last) + 1;
  const [r] = await sql<(Omit<CheckpointRow, 'frontier'> & { frontier: Buffer })[]>`
    select tree_size, root_hash, note, frontier, created_at from checkpoints where tree_size >= ${need} order by tree_size limit 1`;
  return r === undefined ? null : { ...r, frontier: splitHashes(r.frontier) };
}

/** The sessions that started in the window, by id (for choosing samples). */
export async function startedSessionIds(sql: Sql, w: PackWindow): Promise<string[]> {
  const rows = await sql<{ sessionId: string }[]>`select distinct session_id from audit_events
    where type = 'duo_flow_started' and session_id is not null and ${within(sql, w)}`;
  return rows.map((r) => r.sessionId);
}

/** A sample session's first events below the checkpoint, in log order. */
export async function sampleEvents(sql: Sql, sessionId: string, treeSize: number, limit: number): Promise<{ seq: number; type: string; occurredAt: Date; leafHash: Buffer; leaf: string | null }[]> {
  return sql<{ seq: number; type: string; occurredAt: Date; leafHash: Buffer; leaf: string | null }[]>`
    select seq, type, occurred_at, leaf_hash, leaf from audit_events where session_id = ${sessionId} and seq < ${treeSize} order by seq limit ${limit}`;
}

export interface AlertStep {
  seq: number;
  type: string;
  occurredAt: Date;
  /** The first alert_acknowledged / alert_resolved naming it, below the checkpoint and before `asOf`. */
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
}

/**
 * The alerts raised in the window (events of the alert types) and when the
 * log records them acknowledged and resolved, counting only the steps below
 * the checkpoint that occurred before `asOf` (the end of the period, or the
 * checkpoint's time when the period has not ended).
 */
export async function alertStepsIn(sql: Sql, w: PackWindow, types: readonly string[], asOf: Date): Promise<AlertStep[]> {
  return sql<AlertStep[]>`
    with steps as (
      select type, (leaf::jsonb -> 'data' ->> 'alert_seq')::bigint as alert_seq, min(occurred_at) as at from audit_events
      where type in ('alert_acknowledged', 'alert_resolved') and seq < ${w.treeSize} and occurred_at < ${asOf}
      group by 1, 2
    )
    select e.seq::int as seq, e.type, e.occurred_at, ack.at as acknowledged_at, res.at as resolved_at
    from audit_events e
    left join steps ack on ack.alert_seq = e.seq and ack.type = 'alert_acknowledged'
    left join steps res on res.alert_seq = e.seq and res.type = 'alert_resolved'
    where e.type = any(${types as string[]}::text[]) and ${within(sql, w)}
    order by e.seq`;
}

export interface HoldEvent {
  type: 'legal_hold_placed' | 'legal_hold_released';
  occurredAt: Date;
  holdId: number;
  scope: string;
  value: string;
}

/** Every legal_hold_placed and legal_hold_released below the checkpoint that occurred before `asOf`, in log order. */
export async function holdEventsUpTo(sql: Sql, w: PackWindow, asOf: Date): Promise<HoldEvent[]> {
  return sql<HoldEvent[]>`
    select type, occurred_at, (leaf::jsonb -> 'data' ->> 'hold_id')::int as hold_id,
      leaf::jsonb -> 'data' ->> 'scope' as scope, leaf::jsonb -> 'data' ->> 'value' as value
    from audit_events
    where type in ('legal_hold_placed', 'legal_hold_released') and seq < ${w.treeSize} and occurred_at < ${asOf} and leaf is not null
    order by seq`;
}
