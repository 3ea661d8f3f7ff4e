import type { FC } from 'hono/jsx';
import type { EventView, sessionView } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import { eventNames } from '../events.js';
import { AlertDetail } from './alert-detail.js';
import { Badge, Empty, HiddenCsrf, Time } from './components.js';
import { DayChart } from './day-chart.js';
import { DeadLettersBox, type DeadLetters } from './dead-letters.js';
import { eventWords } from './event-words.js';
import { FlowTypeSelect } from './flow-type-select.js';
import type { AlertGroup } from './group-alerts.js';
import { Layout } from './layout.js';
import { withQuery, type PageFilters } from './page-filters.js';
import { FilterField, SessionTable, StatusSelect } from './sessions-page.js';
import { sourceWords } from './source-words.js';

type SessionView = ReturnType<typeof sessionView>;

export interface LogStatus {
  size: number;
  pending: number;
  checkpoint: { treeSize: number; createdAt: Date; signatureValid: boolean } | null;
  origin: string;
}

export interface AuditData {
  sessions: SessionView[];
  nextSessions: string | null;
  events: EventView[];
  nextEvents: string | null;
  perDay: { day: Date; n: number }[];
  window: { from: Date; to: Date };
  alerts: { type: string; n: number; latest: Date }[];
  recentAlerts: AlertGroup[];
  log: LogStatus;
  dead: DeadLetters;
  flowTypes: readonly string[];
  exportQuery: Record<string, string | undefined>;
}

const PATH = '/admin/duo_agent_platform/audit';
const day = (d: Date) => d.toISOString().slice(0, 10);
const SessionLink: FC<{ id: string | null }> = ({ id }) => (id !== null ? <a href={`/-/duo/sessions/${encodeURIComponent(id)}`}>{id}</a> : <>–</>);

export const AuditPage: FC<{ who: SignedIn; filters: PageFilters; error: string | null; data: AuditData }> = ({ who, filters, error, data }) => {
  const f = { user: filters.user, project: filters.project, flow_type: filters.flow_type, status: filters.status, type: filters.type, from: filters.from, to: filters.to };
  const filtered = Object.values(f).some((v) => v !== undefined);
  const whose = [filters.user, filters.project, filters.flow_type].some((v) => v !== undefined);
  const cp = data.log.checkpoint;
  return (
    <Layout title="Duo Agent Platform audit" who={who}>
      <h1>Duo Agent Platform audit</h1>
      <form class="filters" method="get" action={PATH}>
        <FilterField label="User" name="user" value={filters.user} placeholder="GitLab username" />
        <FilterField label="Project" name="project" value={filters.project} placeholder="group/project" />
        <FlowTypeSelect value={filters.flow_type} choices={data.flowTypes} />
        <StatusSelect value={filters.status} />
        <label>Event type
          <select name="type"><option value="">any</option>{eventNames.map((t) => <option value={t} selected={t === filters.type}>{eventWords(t)}</option>)}</select>
        </label>
        <FilterField label="From" name="from" type="date" value={filters.from} />
        <FilterField label="To" name="to" type="date" value={filters.to} />
        <div class="actions">
          <button type="submit" class="primary">Filter</button>
          {filtered ? <a class="button" href={PATH}>Clear</a> : null}
        </div>
      </form>
      {error !== null ? <p class="error-box" role="alert">Filters not applied: {error}</p> : null}

      <h2>Integrity of the log</h2>
      <div class={cp !== null && !cp.signatureValid ? 'alert' : 'ok'}>
        <p>{data.log.size.toLocaleString('en-US')} events in the log <span class="mono">{data.log.origin}</span>{data.log.pending > 0 ? `, ${data.log.pending} accepted and being sequenced` : ''}. {cp === null
          ? 'No signed checkpoint yet.'
          : <>Latest signed checkpoint: {cp.treeSize.toLocaleString('en-US')} events, signed <Time at={cp.createdAt} />, {cp.signatureValid ? 'signature valid' : 'SIGNATURE DOES NOT VERIFY'}.</>}</p>
        <p class="muted">The whole chain is proven by <code>flowtrail verify</code> (or <code>POST /api/v1/integrity/verify</code>); exports with <code>bundle=true</code> verify offline.</p>
      </div>

      <DeadLettersBox dead={data.dead} />

      <h2>Open alerts <span class="muted">({whose ? 'of these filters' : 'all projects'}, {day(data.window.from)} to {day(new Date(data.window.to.getTime() - 1))})</span></h2>
      {data.alerts.length === 0 ? <p class="muted">No alerts {whose ? 'for these filters ' : ''}in this window: no agent commits without a session trailer, forged trailers, refused pushes, lifecycle violations or unverified authorizations.</p> : (
        <>
          <div class="cards">{data.alerts.map((a) => (
            <a class="card" href={withQuery('/admin/duo_agent_platform/alerts', { state: 'all', type: a.type })} title="These alerts on the alerts page, to acknowledge and resolve"><span class="n">{a.n}</span>{eventWords(a.type)}<br /><span class="muted">last <Time at={a.latest} /></span></a>
          ))}</div>
          <p class="muted">The latest alerts; the same alert repeated for one session is one row, counted.</p>
          <div class="table-box"><table>
            <thead><tr><th>Alert</th><th>What</th><th>Session</th><th>Project</th><th>Last</th></tr></thead>
            <tbody>{data.recentAlerts.map(({ latest: e, n }) => (
              <tr class="alert-row"><td>{n > 1 ? <span class="repeat">{n} ×</span> : null} <Badge variant="danger">{eventWords(e.type)}</Badge></td><td><AlertDetail event={e} /></td><td><SessionLink id={e.session_id} /></td><td>{e.project_path ?? '–'}</td><td><Time at={e.occurred_at} /></td></tr>
            ))}</tbody>
          </table></div>
        </>
      )}

      <h2>Sessions per day</h2>
      <DayChart from={data.window.from} to={data.window.to} counts={data.perDay} label="sessions started" />

      <h2>Sessions</h2>
      {data.sessions.length === 0 ? <Empty title="No sessions match">Change or clear the filters.</Empty> : <SessionTable sessions={data.sessions} showUser />}
      <div class="pager">{data.nextSessions !== null ? <a class="button" href={withQuery(PATH, { ...f, events_cursor: filters.events_cursor }, { cursor: data.nextSessions })}>More sessions</a> : null}</div>

      <h2 id="events">Audit events</h2>
      <form class="export" method="post" action={`${PATH}/export`}>
        Export the events listed here, every page of them: <HiddenCsrf token={who.csrfToken} />
        {Object.entries(data.exportQuery).map(([k, v]) => (v === undefined || v === '' ? null : <input type="hidden" name={k} value={v} />))}
        <button type="submit" name="format" value="csv">CSV</button>{' '}
        <button type="submit" name="format" value="ndjson">NDJSON</button>{' '}
        <span class="muted">(each export is itself recorded as an “{eventWords('audit_export_performed')}” event{filters.status !== undefined ? '; the status filter chooses sessions only, so events of every status are listed and exported' : ''})</span>
      </form>
      {data.events.length === 0 ? <Empty title="No events match">Change or clear the filters.</Empty> : (
        <div class="table-box"><table class="events">
          <thead><tr><th>Log position</th><th>Event</th><th>Session</th><th>Project</th><th>User</th><th>Source</th><th>Occurred</th></tr></thead>
          <tbody>{data.events.map((e) => (
            <tr><td class="mono" title={`Log position ${e.seq}`}>{e.seq}</td><td title={e.type}>{eventWords(e.type)}</td><td><SessionLink id={e.session_id} /></td><td>{e.project_path ?? '–'}</td><td>{e.username ?? '–'}</td><td>{sourceWords(e.source)}</td><td><Time at={e.occurred_at} /></td></tr>
          ))}</tbody>
        </table></div>
      )}
      <div class="pager">{data.nextEvents !== null ? <a class="button" href={`${withQuery(PATH, { ...f, cursor: filters.cursor }, { events_cursor: data.nextEvents })}#events`}>Older events</a> : null}</div>
    </Layout>
  );
};
