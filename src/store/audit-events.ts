import type postgres from 'postgres';
import type { Sql } from './database.js';
import type { TimelineEntry } from '../sessions/index.js';

export interface AuditRow {
  seq: number;
  eventId: string;
  type: string;
  sessionId: string | null;
  occurredAt: string;
  recordedAt: string;
  source: string;
  projectPath: string | null;
  username: string | null;
  leaf: string;
  leafHash: Buffer;
  /** The event's free texts by field, and the salt of their commitments in the leaf. */
  texts: { salt: Buffer; value: Record<string, unknown> } | null;
}

/** Inserts appended leaves (inside the appending transaction); rows travel as one JSON parameter per chunk. */
export async function insertAuditRows(tx: Sql, rows: readonly AuditRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000).map((r) => ({
      seq: r.seq, event_id: r.eventId, type: r.type, session_id: r.sessionId, occurred_at: r.occurredAt, recorded_at: r.recordedAt,
      source: r.source, project_path: r.projectPath, username: r.username, leaf: r.leaf, leaf_hash: r.leafHash.toString('hex'),
      text_salt: r.texts?.salt.toString('hex') ?? null, texts: r.texts?.value ?? null,
    }));
    await tx`insert into audit_events (seq, event_id, type, session_id, occurred_at, recorded_at, source, project_path, username, leaf, leaf_hash, text_salt, texts)
      select x.seq, x.event_id, x.type, x.session_id, x.occurred_at, x.recorded_at, x.source, x.project_path, x.username, x.leaf,
        decode(x.leaf_hash, 'hex'), decode(x.text_salt, 'hex'), x.texts
      from jsonb_to_recordset(${tx.json(chunk as unknown as postgres.JSONValue)}) as x(seq bigint, event_id uuid, type text, session_id text,
        occurred_at timestamptz, recorded_at timestamptz, source text, project_path text, username text, leaf text, leaf_hash text,
        text_salt text, texts jsonb)`;
  }
}

/** Types whose leaf data the session projection needs. */
export const PROJECTION_DATA_TYPES = [
  'duo_flow_created', 'duo_flow_started', 'duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped',
  'duo_flow_authorization_verified', 'duo_flow_authorization_unverified',
];

type EntryRow = { seq: number; eventId: string; type: string; occurredAt: Date; source: string; leaf: string | null };

function toEntries(rows: EntryRow[]): TimelineEntry[] {
  return rows.map((r) => ({
    seq: r.seq,
    eventId: r.eventId,
    type: r.type,
    occurredAt: r.occurredAt,
    source: r.source,
    data: r.leaf === null ? undefined : (JSON.parse(r.leaf) as { data: Record<string, unknown> }).data,
  }));
}

/** A session's events of the given types in occurred_at order, with leaf data where the projection needs it. */
export async function sessionEventsOfTypes(sql: Sql, sessionId: string, types: readonly string[]): Promise<TimelineEntry[]> {
  return toEntries(await sql<EntryRow[]>`
    select seq, event_id, type, occurred_at, source,
      case when type = any(${PROJECTION_DATA_TYPES}::text[]) then leaf end as leaf
    from audit_events where session_id = ${sessionId} and type = any(${types as string[]}::text[])
    order by occurred_at, seq`);
}

/**
 * Events of these types outside the window in which the session ran (before
 * its start, after its end): the only ones that can break the lifecycle.
 */
export async function eventsOutsideWindow(sql: Sql, sessionId: string, types: readonly string[], start: Date | null, end: Date | null, limit: number): Promise<TimelineEntry[]> {
  return toEntries(await sql<EntryRow[]>`
    select seq, event_id, type, occurred_at, source, null as leaf
    from audit_events where session_id = ${sessionId} and type = any(${types as string[]}::text[])
      and (${start}::timestamptz is null or occurred_at < ${start}::timestamptz or occurred_at > ${end}::timestamptz)
    order by occurred_at, seq limit ${limit}`);
}

/** The ids among these that the log already holds. */
export async function existingEventIds(tx: Sql, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx<{ eventId: string }[]>`select event_id from audit_events where event_id = any(${ids as string[]}::uuid[])`;
  return new Set(rows.map((r) => r.eventId));
}
