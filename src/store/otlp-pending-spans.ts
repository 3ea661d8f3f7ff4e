import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import type { Sql } from './database.js';

/**
 * The first key of the per-trace advisory locks ("otlp" as a 32-bit number). Two-key
 * advisory locks are a space apart from the one-key locks of the log and the migrations.
 */
export const OTLP_TRACE_LOCK_CLASS = 0x6f746c70;

/** A trace's lock key: the first four bytes of SHA-256 of its id, as a signed 32-bit number. */
export function traceLockKey(traceId: string): number {
  return createHash('sha256').update(traceId).digest().readInt32BE(0);
}

/**
 * Takes the advisory locks of these traces inside a transaction, held until
 * it ends: requests for the same trace in other processes on the same
 * database wait here. Keys are taken in ascending order (two traces may share
 * a key), so two transactions never wait on each other in a circle.
 */
export async function lockTraces(tx: postgres.TransactionSql<Record<string, unknown>>, traceIds: readonly string[]): Promise<void> {
  const keys = [...new Set(traceIds.map(traceLockKey))].sort((a, b) => a - b);
  if (keys.length === 0) return;
  await tx`select pg_advisory_xact_lock(${OTLP_TRACE_LOCK_CLASS}::int4, k) from unnest(${keys}::int4[]) with ordinality as x(k, n) order by n`;
}

/** A span kept between requests (normalized, attributes sanitized): a child waiting for its session span, or a recorded session span. */
export interface PendingSpan {
  traceId: string;
  spanId: string;
  role: 'waiting' | 'session';
  span: Record<string, unknown>;
}

/** Keeps spans; a re-sent span is kept once (a waiting span that turns out to be a session span becomes one). */
export async function savePendingSpans(sql: Sql, spans: readonly PendingSpan[]): Promise<void> {
  if (spans.length === 0) return;
  await sql`
    insert into otlp_pending_spans (trace_id, span_id, role, span)
    select trace_id, span_id, role, span
    from jsonb_to_recordset(${sql.json(spans.map((s) => ({ trace_id: s.traceId, span_id: s.spanId, role: s.role, span: s.span })) as unknown as postgres.JSONValue)})
      as x(trace_id text, span_id text, role text, span jsonb)
    on conflict (trace_id, span_id) do update set role = excluded.role where otlp_pending_spans.role = 'waiting'`;
}

/** The spans kept for these traces. */
export async function readPendingSpans(sql: Sql, traceIds: readonly string[]): Promise<PendingSpan[]> {
  if (traceIds.length === 0) return [];
  return sql<PendingSpan[]>`
    select trace_id, span_id, role, span from otlp_pending_spans where trace_id = any(${traceIds}::text[])`;
}

/** Forgets waiting spans once they entered the log with their session. */
export async function deletePendingSpans(sql: Sql, spans: readonly { traceId: string; spanId: string }[]): Promise<void> {
  if (spans.length === 0) return;
  await sql`
    delete from otlp_pending_spans p using unnest(${spans.map((s) => s.traceId)}::text[], ${spans.map((s) => s.spanId)}::text[]) as x(trace_id, span_id)
    where p.trace_id = x.trace_id and p.span_id = x.span_id and p.role = 'waiting'`;
}

/** A waiting span the sweep dropped: where it came from and what it was (attributes as kept, sanitized). */
export interface DroppedSpan {
  traceId: string;
  spanId: string;
  operation: string | null;
  tool: string | null;
  serviceName: string | null;
  receivedAt: Date;
}

/**
 * Deletes what was kept before `cutoff`: waiting spans whose session span
 * never came (answered, so that the drop can be recorded) and recorded
 * session spans (a child arriving after this waits, and is dropped in turn).
 */
export async function deleteStalePendingSpans(sql: Sql, cutoff: Date): Promise<{ dropped: DroppedSpan[]; sessionsForgotten: number }> {
  const rows = await sql<(DroppedSpan & { role: string })[]>`
    delete from otlp_pending_spans where received_at < ${cutoff}
    returning role, trace_id, span_id, received_at,
      span->'attributes'->>'gen_ai.operation.name' as operation,
      span->'attributes'->>'gen_ai.tool.name' as tool,
      span->'resource'->>'service.name' as service_name`;
  const dropped = rows.filter((r) => r.role === 'waiting').map(({ role: _role, ...d }) => d);
  dropped.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.traceId.localeCompare(b.traceId) || a.spanId.localeCompare(b.spanId));
  return { dropped, sessionsForgotten: rows.length - dropped.length };
}

/** How many spans wait for their session span now (a gauge). */
export async function countWaitingSpans(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from otlp_pending_spans where role = 'waiting'`;
  return row!.n;
}
