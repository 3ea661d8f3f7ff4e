import type { FC } from 'hono/jsx';
import type { EventView } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import type { AlertState } from '../store/index.js';
import { AlertDetail } from './alert-detail.js';
import { Badge, Empty, ExternalLink, HiddenCsrf, Time } from './components.js';
import { eventWords } from './event-words.js';
import { Layout } from './layout.js';
import { withQuery } from './page-filters.js';

export const ALERTS_PATH = '/admin/duo_agent_platform/alerts';

/** One alert as the page shows it: the event (texts put back), whose and where, and its state. */
export interface AlertShown {
  event: EventView;
  project: string | null;
  person: string | null;
  state: AlertState;
  /** Who took the latest step (a person's or token's name when known). */
  actor: string | null;
  reason: string | null;
  actedAt: Date | null;
  /** The GitLab issue opened for it, when one was (alert notifications). */
  issue: { iid: number; url: string | null } | null;
}

export interface AlertsFilter {
  state: AlertState | 'all';
  type: string | undefined;
}

export interface AlertsData {
  alerts: AlertShown[];
  counts: Record<AlertState, number>;
  types: readonly string[];
  /** The log position to page on from, when there are older alerts. */
  nextBefore: number | null;
  /** Where this page is (path and query): the forms come back here. */
  self: string;
}

const STATE_WORDS: Record<AlertsFilter['state'], string> = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved', all: 'All' };
const STATE_BADGE = { open: 'danger', acknowledged: 'warning', resolved: 'success' } as const;
const exact = (d: Date | string) => new Date(d).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');

/** When, in relative and absolute time. */
const When: FC<{ at: Date | string }> = ({ at }) => <><Time at={at} /> <span class="muted">({exact(at)})</span></>;

/** Open; or acknowledged / resolved, by whom, when, why. */
const StateLine: FC<{ a: AlertShown }> = ({ a }) => (
  <>
    <Badge variant={STATE_BADGE[a.state]}>{STATE_WORDS[a.state]}</Badge>
    {a.state === 'open' || a.actedAt === null ? null : <> by <strong>{a.actor ?? 'someone unknown'}</strong> <When at={a.actedAt} />{a.reason === null ? null : <>: <q>{a.reason}</q></>}</>}
  </>
);

/** A form that moves one alert on; the reason is required (the API's rule as well). */
const StepForm: FC<{ seq: number; step: 'acknowledge' | 'resolve'; who: SignedIn; self: string }> = ({ seq, step, who, self }) => (
  <form method="post" action={`${ALERTS_PATH}/${seq}/${step}`} class="inline">
    <HiddenCsrf token={who.csrfToken} />
    <input type="hidden" name="return_to" value={self} />
    <label>{step === 'acknowledge' ? 'Why (what you are checking)' : 'What was done'}
      <input name="reason" required maxlength={2000} placeholder={step === 'acknowledge' ? 'Asking the initiator' : 'Expected: agent restarted'} />
    </label>
    <button type="submit" class={step === 'acknowledge' ? 'primary' : undefined}>{step === 'acknowledge' ? 'Acknowledge' : 'Resolve'}</button>
  </form>
);

const AlertItem: FC<{ a: AlertShown; who: SignedIn; canHandle: boolean; self: string }> = ({ a, who, canHandle, self }) => {
  const e = a.event;
  return (
    <li class={`alert-item s-${a.state}`} id={`alert-${e.seq}`}>
      <div>
        <h3>{eventWords(e.type)} <span class="muted" title={`Log position ${e.seq}`}>#{e.seq}</span></h3>
        <p class="what"><AlertDetail event={e} /></p>
        <dl class="facts">
          <dt>Session</dt><dd>{e.session_id === null ? <span class="muted">none (not tied to a session)</span> : <a href={`/-/duo/sessions/${encodeURIComponent(e.session_id)}`}>{e.session_id}</a>}</dd>
          <dt>Project</dt><dd>{a.project ?? <span class="muted">–</span>}</dd>
          <dt>Person</dt><dd>{a.person ?? <span class="muted">–</span>}</dd>
          <dt>Raised</dt><dd><When at={e.occurred_at} /></dd>
          <dt>State</dt><dd class="state"><StateLine a={a} /></dd>
          {a.issue === null ? null : <><dt>In GitLab</dt><dd><ExternalLink href={a.issue.url}>issue #{a.issue.iid}</ExternalLink></dd></>}
        </dl>
      </div>
      {canHandle && a.state !== 'resolved' ? (
        <div class="steps">
          {a.state === 'open' ? <StepForm seq={e.seq} step="acknowledge" who={who} self={self} /> : null}
          <StepForm seq={e.seq} step="resolve" who={who} self={self} />
        </div>
      ) : null}
    </li>
  );
};

/**
 * /admin/duo_agent_platform/alerts: the alerts newest first with their state,
 * filtered by state and type; people who handle alerts acknowledge and resolve
 * them here, each step asking why.
 */
export const AlertsPage: FC<{ who: SignedIn; filter: AlertsFilter; data: AlertsData; canHandle: boolean; error: string | null; notice: string | null }> = ({ who, filter, data, canHandle, error, notice }) => {
  const type = filter.type;
  return (
    <Layout title="Alerts" who={who}>
      <h1>Alerts</h1>
      <p class="muted">What flowtrail found that needs a person: agent commits without a session trailer, forged trailers, refused pushes, lifecycle violations, unverified authorizations and the other alert types. Acknowledge an alert when you are looking into it, resolve it when it is dealt with; each step is recorded in the log with who and why.</p>
      {error !== null ? <p class="error-box" role="alert">{error}</p> : null}
      {notice !== null ? <p class="notice" role="status">{notice}</p> : null}
      <nav class="tabs" aria-label="Alerts by state">
        {(['open', 'acknowledged', 'resolved', 'all'] as const).map((s) => (
          <a href={withQuery(ALERTS_PATH, { state: s, type })} aria-current={s === filter.state ? 'page' : undefined}>
            {STATE_WORDS[s]} <span class="count">{s === 'all' ? data.counts.open + data.counts.acknowledged + data.counts.resolved : data.counts[s]}</span>
          </a>
        ))}
      </nav>
      <form class="filters" method="get" action={ALERTS_PATH}>
        <input type="hidden" name="state" value={filter.state} />
        <label>Type
          <select name="type"><option value="">every type</option>{data.types.map((t) => <option value={t} selected={t === type}>{eventWords(t)}</option>)}</select>
        </label>
        <div class="actions">
          <button type="submit" class="primary">Filter</button>
          {type !== undefined ? <a class="button" href={withQuery(ALERTS_PATH, { state: filter.state })}>Every type</a> : null}
        </div>
      </form>
      {data.alerts.length === 0 ? (
        <Empty title={`No ${filter.state === 'all' ? '' : `${STATE_WORDS[filter.state].toLowerCase()} `}alerts${type === undefined ? '' : ` of the type “${eventWords(type)}”`}`}>
          {filter.state === 'open' ? 'Nothing is waiting for a person.' : 'Choose another state or type.'}
        </Empty>
      ) : (
        <ul class="alert-list">{data.alerts.map((a) => <AlertItem a={a} who={who} canHandle={canHandle} self={data.self} />)}</ul>
      )}
      {!canHandle ? <p class="muted">You may read the alerts; acknowledging and resolving them is for auditors and administrators.</p> : null}
      <div class="pager">{data.nextBefore !== null ? <a class="button" href={withQuery(ALERTS_PATH, { state: filter.state, type }, { before: String(data.nextBefore) })}>Older alerts</a> : null}</div>
    </Layout>
  );
};
