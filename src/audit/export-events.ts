import { randomUUID } from 'node:crypto';
import { listEvents, recordEvents, type EventFilters, type Sql } from '../store/index.js';
import { viewEvents, type EventView } from './event-view.js';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  filters: EventFilters;
  /** Who reads: recorded as audit_export_performed before the first byte. */
  actor: { id: string; role: string; username: string | null };
  channel: 'api' | 'cli';
}

const CSV_COLUMNS = ['seq', 'event_id', 'type', 'session_id', 'occurred_at', 'recorded_at', 'source', 'source_type', 'source_id', 'project_path', 'username', 'data', 'leaf_hash'] as const;

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
    data: { format: o.format, filters: filtersForRecord(o.filters), actor: o.actor, channel: o.channel },
  }]);
  if (o.format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
  let after = -1;
  for (;;) {
    const rows = await listEvents(sql, o.filters, 1000, { after });
    if (rows.length === 0) return;
    const views = viewEvents(rows);
    yield views.map((v) => (o.format === 'csv' ? csvLine(v) : `${JSON.stringify(v)}\n`)).join('');
    after = rows[rows.length - 1]!.seq;
    if (rows.length < 1000) return;
  }
}

function filtersForRecord(f: EventFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v instanceof Date ? v.toISOString() : String(v);
  return out;
}

function csvLine(v: EventView): string {
  return `${CSV_COLUMNS.map((c) => csvCell(c === 'data' ? JSON.stringify(v.data) : v[c])).join(',')}\r\n`;
}

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
