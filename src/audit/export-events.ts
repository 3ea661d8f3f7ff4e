import { randomUUID } from 'node:crypto';
import { listEvents, recordEvents, type EventFilters, type Sql } from '../store/index.js';
import { viewEvents } from './event-view.js';
import { exportPreamble, formatEvent, type ExportFormat } from './format-event.js';

export interface ExportOptions {
  format: ExportFormat;
  filters: EventFilters;
  /** Who reads: recorded as audit_export_performed before the first byte. */
  actor: { id: string; role: string; username: string | null };
  /** Where the export was asked for: the REST API, the CLI, or the pages' export form. */
  channel: 'api' | 'cli' | 'web';
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
    data: { format: o.format, filters: filtersForRecord(o.filters), actor: o.actor, channel: o.channel },
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

function filtersForRecord(f: EventFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v instanceof Date ? v.toISOString() : String(v);
  return out;
}
