import type { FC } from 'hono/jsx';
import type { sessionView } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import { SESSION_STATUSES } from '../events.js';
import { Empty, StatusBadge, Time } from './components.js';
import { Layout } from './layout.js';
import { withQuery, type PageFilters } from './page-filters.js';
import { formatDuration } from './relative-time.js';
import { statusWords } from './status-words.js';
import { FlowTypeSelect } from './flow-type-select.js';
import { humanize } from './event-words.js';
import { ruleWords } from './rule-words.js';

type SessionView = ReturnType<typeof sessionView>;

export const FilterField: FC<{ label: string; name: string; value?: string; type?: string; placeholder?: string }> = ({ label, name, value, type, placeholder }) => (
  <label>{label}<input name={name} type={type ?? 'text'} value={value ?? ''} placeholder={placeholder} /></label>
);

export const StatusSelect: FC<{ value?: string }> = ({ value }) => (
  <label>Status
    <select name="status">
      <option value="">any</option>
      {SESSION_STATUSES.map((st) => <option value={st} selected={st === value}>{statusWords(st)}</option>)}
    </select>
  </label>
);

/** The sessions as a table; with `pick`, a checkbox a row for the compare form around it. */
export const SessionTable: FC<{ sessions: SessionView[]; showUser: boolean; pick?: boolean }> = ({ sessions, showUser, pick }) => (
  <div class="table-box"><table>
    <thead><tr>{pick === true ? <th><span class="sr-only">Compare</span></th> : null}<th>Session</th><th>Status</th><th>Flow</th><th>Project</th>{showUser ? <th>Initiated by</th> : null}<th>Agent account</th><th>Started</th><th>Duration</th><th>Resources</th></tr></thead>
    <tbody>{sessions.map((x) => (
      <tr>
        {pick === true ? <td><input type="checkbox" name="s" value={x.session_id} aria-label={`Compare session ${x.session_id}`} /></td> : null}
        <td><a href={`/-/duo/sessions/${encodeURIComponent(x.session_id)}`}>{x.session_id}</a>{x.violations.length > 0
          ? <> <span class="badge badge-danger" title={`Lifecycle violations: ${[...new Set(x.violations.map((v) => ruleWords(v.rule)))].join('; ')}`}>{x.violations.length} {x.violations.length === 1 ? 'violation' : 'violations'}</span></>
          : null}</td>
        <td><StatusBadge status={x.status} deleted={x.deleted} /></td>
        <td>{x.flow_type === null ? '–' : humanize(x.flow_type)}</td>
        <td>{x.project.path ?? x.project.id ?? '–'}</td>
        {showUser ? <td>{x.user.username ?? '–'}</td> : null}
        <td>{x.agent.username ?? '–'}</td>
        <td><Time at={x.started_at ?? x.first_event_at} /></td>
        <td>{formatDuration(x.duration_ms)}</td>
        <td>{x.resources_created}</td>
      </tr>
    ))}</tbody>
  </table></div>
);

export const SessionsPage: FC<{ who: SignedIn; sessions: SessionView[]; filters: PageFilters; error: string | null; next: string | null; everyone: boolean; flowTypes: readonly string[] }> = ({ who, sessions, filters, error, next, everyone, flowTypes }) => {
  const filtered = Object.entries(filters).some(([k, v]) => k !== 'cursor' && v !== undefined);
  const f = { flow_type: filters.flow_type, status: filters.status, project: filters.project, from: filters.from, to: filters.to };
  return (
    <Layout title="Agent sessions" who={who}>
      <h1>{everyone ? 'Agent sessions' : 'My agent sessions'}</h1>
      <p class="muted">{everyone
        ? 'Your token is not bound to a GitLab user, so this lists every session. The audit dashboard has more filters.'
        : `Duo Agent Platform sessions started by ${who.principal.username ?? ''}.`}</p>
      <form class="filters" method="get" action="/-/duo/sessions">
        <FlowTypeSelect value={filters.flow_type} choices={flowTypes} />
        <StatusSelect value={filters.status} />
        <FilterField label="Project" name="project" value={filters.project} placeholder="group/project" />
        <FilterField label="From" name="from" type="date" value={filters.from} />
        <FilterField label="To" name="to" type="date" value={filters.to} />
        <button type="submit" class="primary">Filter</button>
        {filtered ? <a class="button" href="/-/duo/sessions">Clear</a> : null}
      </form>
      {error !== null ? <p class="error-box" role="alert">Filters not applied: {error}</p> : null}
      {sessions.length === 0
        ? filtered
          ? <Empty title="No sessions match these filters"><p>Widen the date range or <a href="/-/duo/sessions">clear the filters</a>.</p></Empty>
          : <Empty title="No agent sessions yet"><p>Sessions appear here when GitLab streams audit events to flowtrail or an agent reports through the flow-event API; see docs/gitlab-setup.md. Start a flow in GitLab (Duo Agent Platform) and it shows up within seconds.</p></Empty>
        : (
          <form method="get" action="/-/duo/sessions/compare" class="pick">
            <SessionTable sessions={sessions} showUser={everyone} pick />
            <p class="pick-bar"><button type="submit">Compare the two ticked sessions</button> <span class="muted">Tick two sessions to see their alerts, resources and integrity side by side.</span></p>
          </form>
        )}
      <div class="pager">
        {filters.cursor !== undefined ? <a class="button" href={withQuery('/-/duo/sessions', f)}>First page</a> : null}
        {next !== null ? <a class="button" href={withQuery('/-/duo/sessions', f, { cursor: next })} rel="next">Next page</a> : null}
      </div>
    </Layout>
  );
};
