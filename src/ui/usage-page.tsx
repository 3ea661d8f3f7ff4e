import type { FC } from 'hono/jsx';
import { USAGE_COLUMNS, type UsageReport } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import type { UsageGroup } from '../store/index.js';
import { Empty } from './components.js';
import { DayChart } from './day-chart.js';
import { Layout } from './layout.js';
import { withQuery } from './page-filters.js';
import { FilterField } from './sessions-page.js';

export const USAGE_PATH = '/-/duo/usage';

export interface UsageForm {
  from: string;
  to: string;
  group_by: UsageGroup;
}

const GROUP_LABELS: Record<UsageGroup, string> = { group: 'Group', project: 'Project', user: 'Person', flow_type: 'Flow type' };
const NONE: Record<UsageGroup, string> = { group: '(no project)', project: '(no project)', user: '(not started)', flow_type: '(none)' };
const HEADINGS: Record<keyof typeof USAGE_COLUMNS, string> = {
  sessions: 'Sessions', completed: 'Completed', failed: 'Failed', stopped: 'Stopped', unfinished: 'Unfinished',
  commits: 'Commits', mergeRequests: 'Merge requests', notes: 'Notes', mergeRequestsMerged: 'MRs merged',
  inputTokens: 'Input tokens', outputTokens: 'Output tokens',
};
// Endings at the bottom of each bar, the sessions still going on top.
const STACK = ['completed', 'failed', 'stopped', 'running', 'paused', 'created'] as const;
const FIGURES = Object.keys(HEADINGS) as (keyof typeof HEADINGS)[];
const n = (v: number) => v.toLocaleString('en-US');

/** /-/duo/usage: the usage report of GET /api/v1/usage as a chart and a table, with its CSV. */
export const UsagePage: FC<{ who: SignedIn; form: UsageForm; error: string | null; report: UsageReport | null; own: boolean }> = ({ who, form, error, report, own }) => {
  const csv = withQuery(USAGE_PATH, { from: form.from, to: form.to, group_by: form.group_by, format: 'csv' });
  return (
    <Layout title="Usage" who={who}>
      <h1>Usage of Duo Agent Platform flows</h1>
      <p class="muted">
        {own ? 'Your own sessions' : 'Every session'} that started from {form.from} to {form.to} (UTC, both days included), by {GROUP_LABELS[form.group_by].toLowerCase()}.
      </p>
      <form class="filters" method="get" action={USAGE_PATH}>
        <FilterField label="From" name="from" type="date" value={form.from} />
        <FilterField label="To" name="to" type="date" value={form.to} />
        <label>Group by
          <select name="group_by">{(Object.keys(GROUP_LABELS) as UsageGroup[]).map((g) => <option value={g} selected={g === form.group_by}>{GROUP_LABELS[g]}</option>)}</select>
        </label>
        <button type="submit" class="primary">Show</button>
        {report !== null ? <a class="button" href={csv} download>Export CSV</a> : null}
      </form>
      {error !== null ? <p class="error-box" role="alert">Not shown: {error}</p> : null}
      {report === null ? null : (
        <>
          <div class="cards">
            <div class="card"><span class="n">{n(report.totals.sessions)}</span>sessions</div>
            <div class="card"><span class="n">{n(report.totals.completed)}</span>completed</div>
            <div class="card"><span class="n">{n(report.totals.failed)}</span>failed</div>
            <div class="card"><span class="n">{n(report.totals.mergeRequestsMerged)}</span>merge requests merged</div>
            <div class="card"><span class="n">{n(report.totals.inputTokens + report.totals.outputTokens)}</span>tokens ({n(report.totals.inputTokens)} in, {n(report.totals.outputTokens)} out)</div>
          </div>
          <h2>Sessions per day, by status</h2>
          <DayChart from={report.from} to={report.to} label="sessions started" series={STACK.map((s) => ({ key: s, label: s }))}
            counts={report.perDay.map((d) => ({ day: d.day, n: d.n, series: d.status }))} />
          <h2>By {GROUP_LABELS[form.group_by].toLowerCase()}</h2>
          {report.rows.length === 0 ? <Empty title="No sessions in this period">Choose other days above.</Empty> : (
            <div class="table-box">
              <table class="usage">
                <thead><tr><th>{GROUP_LABELS[form.group_by]}</th>{FIGURES.map((f) => <th class="num">{HEADINGS[f]}</th>)}</tr></thead>
                <tbody>
                  {report.rows.map((r) => (
                    <tr><td>{r.key ?? <span class="muted">{NONE[form.group_by]}</span>}</td>{FIGURES.map((f) => <td class="num">{n(r[f])}</td>)}</tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p class="muted">
            Commits, merge requests and notes are the distinct ones each session created or was tied to; merged merge requests are those GitLab
            merged with a merge or squash commit; tokens are what the sessions reported when they completed or failed. The CSV holds exactly
            this table. The same figures: <code>GET /api/v1/usage</code>, GraphQL <code>duoFlowUsage</code>.
          </p>
        </>
      )}
    </Layout>
  );
};
