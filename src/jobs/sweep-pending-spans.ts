import { systemEvent } from '../log/index.js';
import { deleteStalePendingSpans, recordEvents, type Pool } from '../store/index.js';

/** Dropped spans named one by one in the event; the counts cover them all. */
const MAX_NAMED = 1000;

export interface PendingSpanSweep {
  cutoff: string;
  dropped: number;
  traces: number;
  sessionsForgotten: number;
}

/**
 * Drops the OTLP spans kept longer than `hours` (otlp_pending_spans): children
 * whose session span never came, and session spans kept for late children.
 * The drop and its record (otlp_spans_dropped, through the intake) are one
 * transaction: no span leaves unrecorded, and a failed record drops nothing.
 */
export async function sweepPendingSpans(sql: Pool, hours: number, now = new Date()): Promise<PendingSpanSweep> {
  const cutoff = new Date(now.getTime() - hours * 3_600_000);
  return sql.begin(async (tx) => {
    const { dropped, sessionsForgotten } = await deleteStalePendingSpans(tx, cutoff);
    const traces = new Set(dropped.map((d) => d.traceId)).size;
    if (dropped.length > 0) {
      await recordEvents(tx, [systemEvent('otlp_spans_dropped', null, now.toISOString(), {
        spans: dropped.length, traces, cutoff: cutoff.toISOString(), pending_hours: hours,
        dropped: dropped.slice(0, MAX_NAMED).map((d) => ({
          trace_id: d.traceId, span_id: d.spanId, operation: d.operation, tool: d.tool, service_name: d.serviceName, received_at: d.receivedAt.toISOString(),
        })),
      })]);
    }
    return { cutoff: cutoff.toISOString(), dropped: dropped.length, traces, sessionsForgotten };
  });
}
