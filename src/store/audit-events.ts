import type postgres from 'postgres';
import type { Sql } from './database.js';
import type { TimelineEntry } from './replay-session.js';

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
}

export interface TextRow {
  seq: number;
  field: string;
  salt: Buffer;
  value: unknown;
}

/** Inserts appended leaves and their side-table texts (inside the integrator's transaction). */
export async function insertAuditRows(tx: Sql, rows: readonly AuditRow[], texts: readonly TextRow[]): Promise<void> {
  if (rows.length > 0) {
    const columns = ['seq', 'eventId', 'type', 'sessionId', 'occurredAt', 'recordedAt', 'source', 'projectPath', 'username', 'leaf', 'leafHash'] as const;
    for (let i = 0; i < rows.length; i += 1000) {
      await tx`insert into audit_events ${tx(rows.slice(i, i + 1000) as AuditRow[], ...columns)}`;
    }
  }
  for (let i = 0; i < texts.length; i += 1000) {
    const chunk = texts.slice(i, i + 1000).map((t) => ({ seq: t.seq, field: t.field, salt: t.salt.toString('base64'), value: t.value }));
    await tx`insert into audit_texts (seq, field, salt, value)
      select x.seq, x.field, decode(x.salt, 'base64'), x.value
      from jsonb_to_recordset(${tx.json(chunk as unknown as postgres.JSONValue)}) as x(seq bigint, field text, salt text, value jsonb)`;
  }
}

/** Types whose leaf data the session projection needs. */
export const PROJECTION_DATA_TYPES = [
  'duo_flow_created', 'duo_flow_started', 'duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped',
  'duo_flow_authorization_verified', 'duo_flow_authorization_unverified',
];

/** Every event of a session in occurred_at order, with leaf data only where the projection needs it. */
export async function sessionTimeline(sql: Sql, sessionId: string): Promise<TimelineEntry[]> {
  const rows = await sql<{ seq: number; eventId: string; type: string; occurredAt: Date; leaf: string | null }[]>`
    select seq, event_id, type, occurred_at,
      case when type = any(${PROJECTION_DATA_TYPES}::text[]) then leaf end as leaf
    from audit_events where session_id = ${sessionId} order by occurred_at, seq`;
  return rows.map((r) => ({
    seq: r.seq,
    eventId: r.eventId,
    type: r.type,
    occurredAt: r.occurredAt,
    data: r.leaf === null ? undefined : (JSON.parse(r.leaf) as { data: Record<string, unknown> }).data,
  }));
}
