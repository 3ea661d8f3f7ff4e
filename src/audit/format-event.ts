// One event in each export format. Names, descriptions and severities come
// from the event catalog, so a new type needs no change here.
import { ALERT_TYPES, catalog, isEventName } from '../events.js';
import type { EventView } from './event-view.js';

export const EXPORT_FORMATS = ['ndjson', 'csv', 'cef', 'ocsf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PRODUCT_VERSION = '0.1.0';
const CSV_COLUMNS = ['seq', 'event_id', 'type', 'session_id', 'occurred_at', 'recorded_at', 'source', 'source_type', 'source_id', 'project_path', 'username', 'data', 'leaf_hash'] as const;

/** What an export starts with (the CSV header row), if anything. */
export function exportPreamble(format: ExportFormat): string {
  return format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';
}

export function formatEvent(v: EventView, format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return `${CSV_COLUMNS.map((c) => csvCell(c === 'data' ? JSON.stringify(v.data) : v[c])).join(',')}\r\n`;
    case 'cef':
      return `${cefLine(v)}\n`;
    case 'ocsf':
      return `${JSON.stringify(ocsfEvent(v))}\n`;
    default:
      return `${JSON.stringify(v)}\n`;
  }
}

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Findings a SIEM should notice get a higher severity (0-10 in CEF). */
const ELEVATED = new Set<string>(ALERT_TYPES);
export function eventSeverity(type: string): number {
  if (ELEVATED.has(type)) return 7;
  return type === 'duo_flow_failed' || type === 'duo_flow_footer_restored' ? 5 : 3;
}

function describe(type: string): string {
  return isEventName(type) ? catalog[type].description : type;
}

const cefHeader = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const cefValue = (s: string) => s.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r?\n|\r/g, '\\n');
const ms = (iso: string) => (iso === '' ? '' : String(Date.parse(iso)));

/** ArcSight Common Event Format: `CEF:0|vendor|product|version|class id|name|severity|extensions`. */
export function cefLine(v: EventView): string {
  const ext: [string, string | number | null][] = [
    ['rt', ms(v.recorded_at)],
    ['start', ms(v.occurred_at)],
    ['externalId', v.event_id],
    ['suser', v.username],
    ['cn1Label', 'seq'],
    ['cn1', v.seq],
    ['cs1Label', 'sessionId'],
    ['cs1', v.session_id],
    ['cs2Label', 'project'],
    ['cs2', v.project_path],
    ['cs3Label', 'source'],
    ['cs3', v.source_type === null ? v.source : `${v.source}:${v.source_type}`],
    ['cs4Label', 'leafHash'],
    ['cs4', v.leaf_hash],
    ['msg', JSON.stringify(v.data)],
  ];
  const extension = ext.filter(([, x]) => x !== null && x !== '').map(([k, x]) => `${k}=${cefValue(String(x))}`).join(' ');
  return `CEF:0|flowtrail|flowtrail|${PRODUCT_VERSION}|${cefHeader(v.type)}|${cefHeader(describe(v.type))}|${eventSeverity(v.type)}|${extension}`;
}

/**
 * OCSF 1.3, class API Activity (6003, category Application Activity): the
 * event type as the operation, the initiator as the actor, flowtrail's own
 * fields under `unmapped`.
 */
export function ocsfEvent(v: EventView): Record<string, unknown> {
  const sev = eventSeverity(v.type);
  return {
    category_uid: 6,
    category_name: 'Application Activity',
    class_uid: 6003,
    class_name: 'API Activity',
    activity_id: 99,
    activity_name: v.type,
    type_uid: 600399,
    severity_id: sev >= 7 ? 4 : sev >= 5 ? 3 : 1,
    status_id: v.type === 'duo_flow_failed' ? 2 : 1,
    time: Date.parse(v.occurred_at) || null,
    message: describe(v.type),
    metadata: {
      version: '1.3.0',
      product: { name: 'flowtrail', vendor_name: 'flowtrail', version: PRODUCT_VERSION },
      uid: v.event_id,
      sequence: v.seq,
      original_time: v.occurred_at,
      logged_time: Date.parse(v.recorded_at) || null,
    },
    actor: { user: { name: v.username } },
    api: { operation: v.type },
    unmapped: { session_id: v.session_id, project_path: v.project_path, source: v.source, source_type: v.source_type, source_id: v.source_id, leaf_hash: v.leaf_hash, data: v.data },
  };
}
