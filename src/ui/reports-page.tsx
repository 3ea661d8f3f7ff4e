import type { FC } from 'hono/jsx';
import type { SignedIn } from '../auth/index.js';
import { FRAMEWORK_INFO, FRAMEWORKS } from '../reports/index.js';
import type { StoredPackRow } from '../store/index.js';
import { Empty, HiddenCsrf, Time } from './components.js';
import { Layout } from './layout.js';

export const REPORTS_PATH = '/admin/duo_agent_platform/reports';

const FORMAT_WORDS: Record<string, string> = { html: 'HTML page', pdf: 'PDF', oscal: 'OSCAL Assessment Results (JSON)' };
const day = (d: Date) => d.toISOString().slice(0, 10);
const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);

export interface ReportsPageData {
  defaults: { from: Date; to: Date };
  stored: StoredPackRow[];
  schedule: string;
}

/** Pick a framework and a period, download its evidence pack; the packs the schedule kept. */
export const ReportsPage: FC<{ who: SignedIn; data: ReportsPageData; error: string | null }> = ({ who, data, error }) => (
  <Layout title="Evidence packs" who={who}>
    <h1>Evidence packs</h1>
    <p>
      For a framework and a period: what each control asks, what the audit trail recorded, and whether the records meet it,
      with sample sessions proved against a signed checkpoint. Producing a pack is recorded in the audit log.
    </p>
    {error === null ? null : <p class="error" role="alert">{error}</p>}
    <form class="filters" method="post" action={`${REPORTS_PATH}/download`}>
      <HiddenCsrf token={who.csrfToken} />
      <label>Framework
        <select name="framework">
          {FRAMEWORKS.map((f) => <option value={f}>{FRAMEWORK_INFO[f].name}</option>)}
        </select>
      </label>
      <label>From (UTC, inclusive)<input type="date" name="from" required value={day(data.defaults.from)} /></label>
      <label>To (UTC, exclusive)<input type="date" name="to" required value={day(data.defaults.to)} /></label>
      <label>Format
        <select name="format">
          {Object.entries(FORMAT_WORDS).map(([k, v]) => <option value={k}>{v}</option>)}
        </select>
      </label>
      <div class="actions"><button type="submit">Download</button></div>
    </form>

    <h2>Kept packs</h2>
    <p class="muted">
      {data.schedule === 'off' ? 'Scheduled packs are off (FLOWTRAIL_REPORT_SCHEDULE=off).' : `Produced ${data.schedule === 'monthly' ? 'each month for the previous month' : 'each week for the previous week'} (UTC) and kept here.`}
    </p>
    {data.stored.length === 0 ? <Empty title="No pack kept yet">The schedule keeps one per framework and format after each period closes.</Empty> : (
      <div class="table-box"><table>
        <thead><tr><th>Framework</th><th>Period</th><th>Format</th><th>Size</th><th>SHA-256</th><th>Produced</th><th></th></tr></thead>
        <tbody>
          {data.stored.map((p) => (
            <tr>
              <td>{FRAMEWORK_INFO[p.framework as keyof typeof FRAMEWORK_INFO]?.name ?? p.framework}</td>
              <td>{day(p.periodFrom)} to {day(p.periodTo)}</td>
              <td>{FORMAT_WORDS[p.format] ?? p.format}</td>
              <td>{size(p.bytes)}</td>
              <td><code title={p.sha256}>{p.sha256.slice(0, 12)}…</code></td>
              <td><Time at={p.createdAt} /></td>
              <td><a href={`${REPORTS_PATH}/stored/${p.id}`}>Download</a></td>
            </tr>
          ))}
        </tbody>
      </table></div>
    )}
  </Layout>
);
