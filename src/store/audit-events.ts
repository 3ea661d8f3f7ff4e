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

/**
 * Inserts appended leaves (inside the appending transaction). Each chunk
 * travels as one jsonb parameter, an array of rows that are arrays of
 * values: without a key per value it is a third less for Node to write and a
 * fifth less for PostgreSQL to take apart than objects read by
 * jsonb_to_recordset (docs/scaling.md).
 */
export async function insertAuditRows(tx: Sql, rows: readonly AuditRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000).map((r) => [
      r.seq, r.eventId, r.type, r.sessionId, r.occurredAt, r.recordedAt, r.source, r.projectPath, r.username, r.leaf,
      r.leafHash.toString('hex'), r.texts?.salt.toString('hex') ?? null, r.texts?.value ?? null,
    ]);
    // ->> reads a JSON null as SQL NULL; -> would keep it as the jsonb value null, hence nullif for texts.
    await tx`insert into audit_events (seq, event_id, type, session_id, occurred_at, recorded_at, source, project_path, username, leaf, leaf_hash, text_salt, texts)
      select (x->>0)::bigint, (x->>1)::uuid, x->>2, x->>3, (x->>4)::timestamptz, (x->>5)::timestamptz, x->>6, x->>7, x->>8, x->>9,
        decode(x->>10, 'hex'), decode(x->>11, 'hex'), nullif(x->12, 'null'::jsonb)
      from jsonb_array_elements(${tx.json(chunk as unknown as postgres.JSONValue)}) as x`;
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
 * When the session's last own event happened: the newest event the agent or
 * GitLab sent about it (not one flowtrail recorded itself, source 'system').
 * Read from the log, so the answer does not depend on the order events arrived.
 */
export async function lastOwnEventAt(sql: Sql, sessionId: string): Promise<Date | null> {
  const [row] = await sql<{ occurredAt: Date }[]>`
    select occurred_at from audit_events where session_id = ${sessionId} and source <> 'system'
    order by occurred_at desc, seq desc limit 1`;
  return row?.occurredAt ?? null;
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
