import { randomUUID } from 'node:crypto';
import { listEvents, recordEvents, type EventFilters, type Sql } from '../store/index.js';
import { viewEvents } from './event-view.js';
import type { Sanitizer } from '../sanitize/index.js';
import { exportPreamble, formatEvent, type ExportFormat } from './format-event.js';

export interface ExportOptions {
  format: ExportFormat;
  filters: EventFilters;
  /** Who reads: recorded as audit_export_performed before the first byte. */
  actor: { id: string; role: string; username: string | null };
  /** Where the export was asked for: the REST API, the CLI, or the pages' export form. */
  channel: 'api' | 'cli' | 'web';
  /** Redacts secrets from the recorded filter values, as from any event's data. */
  sanitizer: Sanitizer;
}

/**
 * Streams the matching events in log order. Reading audit data is itself
 * audited: the export is recorded before any event leaves the service.
 */
export async function* exportEvents(sql: Sql, o: ExportOptions): AsyncGenerator<string> {
  await recordEvents(sql, [{
    eventId: randomUUID(),
    type: 'audit_export_performed',
    // About the reader, not the session read: it must outlive the session's own purge.
    sessionId: null,
    occurredAt: new Date().toISOString(),
    source: 'system',
    // The reader, for the user filters of the API and the dashboard.
    username: o.actor.username,
    data: { format: o.format, filters: exportFilterRecord(o.filters, o.sanitizer), actor: o.actor, channel: o.channel },
  }]);
  const preamble = exportPreamble(o.format);
  if (preamble !== '') yield preamble;
  let after = -1;
  for (;;) {
    const rows = await listEvents(sql, o.filters, 1000, { after });
    if (rows.length === 0) return;
    const views = viewEvents(rows);
    yield views.map((v) => formatEvent(v, o.format)).join('');
    after = rows[rows.length - 1]!.seq;
    if (rows.length < 1000) return;
  }
}

/** The query parameter each filter came from, as a reader of the record would ask again. */
const FILTER_PARAMS: Record<keyof EventFilters, string> = {
  sessionId: 'session_id', type: 'type', username: 'user', project: 'project', flowType: 'flow_type', from: 'from', to: 'to',
  // Not a parameter: the `user` role's pin to its own sessions.
  ownerUsername: 'owner',
};

/**
 * The filter an export used, under the query parameters' names, for its
 * audit record (audit_export_performed): which events were read, not only
 * that some were. Sanitized like any event's data (a token pasted into a
 * filter is not stored).
 */
export function exportFilterRecord(f: EventFilters, sanitizer: Sanitizer): Record<string, unknown> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f) as [keyof EventFilters, unknown][]) {
    if (v !== undefined) out[FILTER_PARAMS[k]] = v instanceof Date ? v.toISOString() : String(v);
  }
  return sanitizer.sanitizeValue(out).value as Record<string, unknown>;
}
