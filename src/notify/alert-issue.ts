import { createHash } from 'node:crypto';
import type { AlertFacts } from './describe-alert.js';

/**
 * The marker an alert's issue carries in its description (an HTML comment,
 * not shown): the log's origin (hashed, so two flowtrail services can share
 * a project) and the alert's log position. A second try looks for it before
 * opening another issue.
 */
export function issueMarker(origin: string, alertId: number): string {
  return `flowtrail-alert-${createHash('sha256').update(origin).digest('hex').slice(0, 12)}-${alertId}`;
}

/** Whether a description carries exactly this marker (GitLab's search also finds `...-42` for `...-4`). */
export function hasMarker(description: string, marker: string): boolean {
  return description.includes(`<!-- ${marker} -->`);
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * A value as inline code in a table cell: GitLab neither links references
 * (#1, !2, ~label), nor mentions (@all), nor runs quick actions inside code;
 * backticks and pipes cannot end the span or the cell.
 */
function code(value: string, max = 300): string {
  const flat = value.replace(CONTROL, ' ').trim().slice(0, max).replace(/`/g, "'").replace(/\|/g, '\\|');
  return flat === '' ? '–' : `\`${flat}\``;
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
function fenced(text: string, info: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** The issue's title: plain words, one line, within GitLab's 255 characters. */
export function issueTitle(a: AlertFacts): string {
  const where = a.projectPath === null ? '' : ` in ${a.projectPath}`;
  const session = a.sessionId === null ? '' : ` (session ${a.sessionId})`;
  return `flowtrail alert #${a.id}: ${a.name}${a.kind === null ? '' : ` (${a.kind})`}${where}${session}`.replace(CONTROL, ' ').slice(0, 255);
}

/** The issue's description: what happened in a table, the link back to flowtrail, the data as recorded, the marker. */
export function issueDescription(a: AlertFacts, marker: string): string {
  const rows = [
    ['Alert', code(`${a.type} #${a.id}`)], ['Kind', a.kind === null ? null : code(a.kind)], ['Project', a.projectPath === null ? null : code(a.projectPath)],
    ['Session', a.sessionId === null ? null : code(a.sessionId)], ['Person', a.username === null ? null : code(a.username)],
    ['Detail', a.detail === null ? null : code(a.detail, 1000)], ['Occurred', code(a.occurredAt)], ['Recorded', code(a.recordedAt)],
  ].filter((r): r is [string, string] => r[1] !== null);
  return [
    `flowtrail recorded an alert: **${a.name}**. Open it in flowtrail: ${a.url}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    'The alert\'s data as recorded (sanitized):',
    '',
    fenced(JSON.stringify(a.data, null, 2).slice(0, 50_000), 'json'),
    '',
    'Acknowledge or resolve the alert in flowtrail (POST /api/v1/alerts/:id/acknowledge, /resolve); closing this issue does not change it.',
    '',
    `<!-- ${marker} -->`,
  ].join('\n');
}
