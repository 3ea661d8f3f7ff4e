import { usageByGroup, usagePerDay, type Sql, type UsageFigures, type UsageGroup, type UsageRow } from '../store/index.js';
import { csvCell } from './format-event.js';

export interface UsageReport {
  from: Date;
  to: Date;
  groupBy: UsageGroup;
  /** Most sessions first. */
  rows: UsageRow[];
  /** The sum of the rows. */
  totals: UsageFigures;
  /** Sessions per UTC day and status, in day order (days without sessions left out). */
  perDay: { day: Date; status: string; n: number }[];
}

const FIGURES = ['sessions', 'completed', 'failed', 'stopped', 'unfinished', 'commits', 'mergeRequests', 'notes', 'mergeRequestsMerged', 'inputTokens', 'outputTokens'] as const;

/** The figures' names as the REST answer and the CSV columns spell them. */
export const USAGE_COLUMNS: Record<(typeof FIGURES)[number], string> = {
  sessions: 'sessions', completed: 'completed', failed: 'failed', stopped: 'stopped', unfinished: 'unfinished',
  commits: 'commits', mergeRequests: 'merge_requests', notes: 'notes', mergeRequestsMerged: 'merge_requests_merged',
  inputTokens: 'input_tokens', outputTokens: 'output_tokens',
};

/** Usage of the sessions that started in [from, to), by group; `username` narrows it to one person's sessions. */
export async function usageReport(sql: Sql, q: { from: Date; to: Date; groupBy: UsageGroup; username?: string }): Promise<UsageReport> {
  const [rows, perDay] = await Promise.all([usageByGroup(sql, q), usagePerDay(sql, q)]);
  const totals = Object.fromEntries(FIGURES.map((f) => [f, rows.reduce((sum, r) => sum + r[f], 0)])) as unknown as UsageFigures;
  return { from: q.from, to: q.to, groupBy: q.groupBy, rows, totals, perDay };
}

const figuresJson = (f: UsageFigures) => Object.fromEntries(FIGURES.map((k) => [USAGE_COLUMNS[k], f[k]]));

/** GET /api/v1/usage's JSON answer. */
export function usageJson(r: UsageReport) {
  return {
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    group_by: r.groupBy,
    totals: figuresJson(r.totals),
    rows: r.rows.map((row) => ({ key: row.key, ...figuresJson(row) })),
    per_day: r.perDay.map((d) => ({ day: d.day.toISOString().slice(0, 10), status: d.status, sessions: d.n })),
  };
}

/** The rows as CSV (RFC 4180, CRLF): a header naming the grouping, then one line per group, as the page's table. */
export function usageCsv(r: UsageReport): string {
  const head = [r.groupBy, ...FIGURES.map((f) => USAGE_COLUMNS[f])].join(',');
  const lines = r.rows.map((row) => [csvCell(row.key), ...FIGURES.map((f) => String(row[f]))].join(','));
  return `${[head, ...lines].join('\r\n')}\r\n`;
}
