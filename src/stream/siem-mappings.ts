// The field mappings of docs/siem.md, read off the formatters themselves: a
// probe event whose every field holds a marker goes through the CEF, OCSF,
// GitLab-shaped and syslog formatters, and each table row says where that
// marker came out. A formatter change shows up here, and the doc test fails
// until docs/siem.md is regenerated (`npm run docs:events`).
import { cefLine, eventSeverity, ocsfEvent, type EventView } from '../audit/index.js';
import { catalog, eventNames } from '../events.js';
import { gitlabStreamEvent } from './gitlab-stream-event.js';
import { syslogMessage } from './format-stream-event.js';

const ENVELOPE = ['seq', 'event_id', 'type', 'session_id', 'occurred_at', 'recorded_at', 'source', 'source_type', 'project_path', 'username', 'leaf_hash', 'data'] as const;

function probe(): { view: EventView; markers: Record<string, string> } {
  const markers: Record<string, string> = {
    seq: '424242', event_id: 'm-event-id', type: 'duo_flow_started', session_id: 'm-session', occurred_at: '2031-01-02T03:04:05.000Z', recorded_at: '2032-06-07T08:09:10.000Z',
    source: 'm-source', source_type: 'm-source-type', project_path: 'm/project', username: 'm-user', leaf_hash: 'm-leaf-hash', data: 'm-data-value',
  };
  const view = {
    seq: 424242, event_id: markers.event_id!, type: markers.type!, session_id: markers.session_id!, occurred_at: markers.occurred_at!, recorded_at: markers.recorded_at!,
    source: markers.source!, source_type: markers.source_type!, source_id: null, project_path: markers.project_path!, username: markers.username!,
    data: { probe: markers.data }, leaf_hash: markers.leaf_hash!,
  } as EventView;
  return { view, markers };
}

/** Where a marker appears in a JSON document, as dotted paths (the shortest first). */
function jsonPaths(doc: unknown, marker: string, numeric: boolean, prefix = ''): string[] {
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object') {
    const s = String(doc);
    const hit = numeric ? s === marker : s === marker || (marker.includes('T') && typeof doc === 'number' && doc === Date.parse(marker));
    return hit ? [prefix] : [];
  }
  return Object.entries(doc as Record<string, unknown>).flatMap(([k, v]) => jsonPaths(v, marker, numeric, prefix === '' ? k : `${prefix}.${k}`));
}

/** The CEF keys whose value is the marker (or, for times, its milliseconds). */
function cefKeys(line: string, marker: string): string[] {
  const header = line.split('|');
  const keys: string[] = [];
  if (header[4] === marker) keys.push('header: Device Event Class ID');
  const ext = header.slice(7).join('|');
  const ms = Date.parse(marker);
  for (const m of ext.matchAll(/(\w+)=((?:\\=|[^=])*?)(?= \w+=|$)/g)) {
    const value = m[2]!.replace(/\\(.)/g, '$1');
    if (value === marker || (!Number.isNaN(ms) && marker.includes('T') && value === String(ms)) || (m[1] === 'msg' && value.includes(marker))) keys.push(m[1] === 'msg' ? 'msg (JSON of data)' : m[1]!);
    else if (value.split(':').includes(marker)) keys.push(`${m[1]} (source:source_type)`);
  }
  return keys;
}

const cell = (xs: string[]) => (xs.length === 0 ? '–' : xs.map((x) => `\`${x}\``).join(', '));

/** The envelope field table: where each of flowtrail's fields goes in CEF, OCSF, the GitLab shape and syslog's structured data. */
export function renderFieldTable(): string {
  const { view, markers } = probe();
  const cef = cefLine(view);
  const ocsf = ocsfEvent(view);
  const gitlab = gitlabStreamEvent(view);
  const syslog = syslogMessage(view, 'cef', 'host').toString('utf8');
  const sd = /\[(\S+) ([^\]]*)\]/.exec(syslog)?.[2] ?? '';
  const rows = ENVELOPE.map((f) => {
    const marker = markers[f]!;
    const numeric = f === 'seq';
    const sdKeys = [...sd.matchAll(/(\w+)="([^"]*)"/g)].filter((m) => m[2] === marker).map((m) => `SD ${m[1]}`);
    const header = f === 'recorded_at' && syslog.includes(` ${marker} `) ? ['TIMESTAMP'] : [];
    const json = (doc: unknown) => jsonPaths(doc, marker, numeric).map((p) => p.replace(/\.probe$/, ''));
    return `| \`${f}\` | ${cell(cefKeys(cef, marker))} | ${cell(json(ocsf))} | ${cell(json(gitlab))} | ${cell([...header, ...sdKeys])} |`;
  });
  return ['| flowtrail field | CEF | OCSF (API Activity 6003) | http (GitLab shape) | syslog (RFC 5424) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** Per event type: the CEF Name, the CEF severity, the syslog severity and OCSF's severity_id and status_id, from the catalog. */
export function renderTypeTable(): string {
  const { view } = probe();
  const syslogSeverity = (t: string) => Number(/^<(\d+)>/.exec(syslogMessage({ ...view, type: t }, 'cef', 'h').toString('utf8'))![1]) % 8;
  const rows = eventNames.map((t) => {
    const o = ocsfEvent({ ...view, type: t });
    return `| \`${t}\` | ${eventSeverity(t)} | ${syslogSeverity(t)} | ${String(o.severity_id)} | ${String(o.status_id)} | ${catalog[t].description.split(/(?<=\.)\s/)[0]!.replace(/\|/g, '\\|')} |`;
  });
  return ['| type (CEF Device Event Class ID, OCSF `activity_name`) | CEF severity | syslog severity | OCSF `severity_id` | OCSF `status_id` | CEF Name (first sentence) |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const START = '<!-- generated:mappings:start (src/stream/siem-mappings.ts; regenerate with npm run docs:events) -->';
const END = '<!-- generated:mappings:end -->';

/** docs/siem.md with its generated section replaced by what the code says now. */
export function renderSiemDoc(current: string): string {
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  if (from === -1 || to === -1) throw new Error('docs/siem.md lacks the generated mappings markers');
  return `${current.slice(0, from)}${START}\n\n### Fields\n\n${renderFieldTable()}\n\n### Event types\n\n${renderTypeTable()}\n\n${current.slice(to)}`;
}
