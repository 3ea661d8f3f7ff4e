import type { FC } from 'hono/jsx';
import { DETAIL_LIMIT, type EventView, type ResourceView, type SessionDetails, type sessionView } from '../audit/index.js';
import { TIMELINE_DEFAULT } from '../http/index.js';
import type { SignedIn } from '../auth/index.js';
import { Badge, Empty, ExternalLink, StatusBadge, Text, Time } from './components.js';
import { AlertDetail } from './alert-detail.js';
import { eventWords, humanize } from './event-words.js';
import { Layout } from './layout.js';
import { ResourceName, resourceTypeWords } from './resource-name.js';
import { SessionChart, type ChartSpan } from './session-chart.js';
import { sourceWords } from './source-words.js';
import { formatDuration } from './relative-time.js';
import { lineOf, type SessionStory } from './session-detail.js';
import type { IntegrityStatus } from './session-integrity.js';
import { HoldNotice } from './holds-page.js';
import type { HoldView } from '../audit/index.js';

type SessionView = ReturnType<typeof sessionView>;
type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const s = (v: unknown): string => (v === null || v === undefined ? '–' : String(v));

/** One line of text; an erased or tampered text shows as such (never its stored bytes). */
const Line: FC<{ value: unknown }> = ({ value }) =>
  value === undefined ? <>–</> : o(value).erased === true || o(value).tampered === true ? <Text value={value} /> : <>{lineOf(value)}</>;

export const Attribution: FC<{ session: SessionView }> = ({ session }) => (
  <div class="chain" aria-label="attribution chain">
    <span title="who started the session"><strong>{s(session.user.username)}</strong> <span class="muted">(id {s(session.user.id)})</span></span>
    <span class="arrow">→</span>
    <span title={`the flow (${s(session.flow_type)})`}>{session.flow_type === null ? '–' : humanize(session.flow_type)}</span>
    <span class="arrow">→</span>
    <span title="the agent service account that acted"><strong>{s(session.agent.username)}</strong> <span class="muted">(id {s(session.agent.id)})</span></span>
    <span class="arrow">in</span>
    <span title="the project"><strong>{s(session.project.path)}</strong></span>
  </div>
);

const Authorization: FC<{ session: SessionView }> = ({ session }) => {
  const reported = o(session.authorization.reported);
  const verified = o(session.authorization.verified);
  const hasReported = session.authorization.reported !== null;
  const hasVerified = session.authorization.verified !== null;
  const access = o(verified.access_level);
  return (
    <dl class="facts">
      <dt>Reported by the sender</dt>
      <dd>{hasReported ? <>{s(reported.method)} at <Time at={s(reported.verified_at)} />; scopes {Array.isArray(reported.scopes) ? reported.scopes.join(', ') || 'none' : '–'}</> : <span class="muted">none reported</span>}</dd>
      <dt>Verified by flowtrail with GitLab</dt>
      <dd>{hasVerified
        ? verified.status === 'unverified'
          ? <><Badge variant="danger">unverified</Badge> {s(verified.reason)}</>
          : <><Badge variant="success">verified</Badge> {s(verified.method)} at <Time at={s(verified.verified_at)} /></>
        : <span class="muted">not checked yet (the check runs when the session starts and GitLab's API is configured)</span>}</dd>
      {access.initiator_role !== undefined ? <><dt>Access on the project</dt><dd>initiator: {s(access.initiator_role)}; agent account: {s(access.agent_role)}</dd></> : null}
    </dl>
  );
};

export const Integrity: FC<{ status: IntegrityStatus }> = ({ status }) => {
  const cp = status.checkpoint;
  const bad = status.mismatched.length > 0 || status.altered.length > 0 || (cp !== null && !cp.signatureValid);
  return (
    <div class={bad ? 'alert' : 'ok'}>
      {status.mismatched.length > 0
        ? <p><strong>{status.mismatched.length} event(s) no longer match their leaf hash</strong> (seq {status.mismatched.join(', ')}): the stored record was altered. Run <code>flowtrail verify</code>.</p>
        : null}
      {status.altered.length > 0
        ? <><p><strong>Stored data no longer matches the log</strong>: the record shown here was altered. Run <code>flowtrail verify</code>.</p><ul>{status.altered.slice(0, 20).map((p) => <li>{p}</li>)}</ul></>
        : null}
      {!bad || (status.mismatched.length === 0 && status.altered.length === 0)
        ? <p>All {status.events} events match their leaf hashes, and their columns and texts match their leaves{status.purged > 0 ? ` (${status.purged} purged by retention; their hashes remain)` : ''}.</p>
        : null}
      {cp === null
        ? <p>No signed checkpoint yet: the events are signed at the next checkpoint.</p>
        : <p>Chain verified up to checkpoint {cp.treeSize.toLocaleString('en-US')} (signed <Time at={cp.createdAt} />{cp.signatureValid ? ', signature valid' : ', SIGNATURE DOES NOT VERIFY'}){status.uncovered > 0 ? `; ${status.uncovered} newer event(s) await the next checkpoint` : ''}.</p>}
    </div>
  );
};

export const Resources: FC<{ resources: ResourceView[] }> = ({ resources }) =>
  resources.length === 0 ? <p class="muted">No resources recorded.</p> : (
    <div class="table-box"><table>
      <thead><tr><th>Type</th><th>Resource</th><th>Action</th><th>Linked by</th><th>When</th></tr></thead>
      <tbody>{resources.map((r) => (
        <tr><td>{resourceTypeWords(r.resource_type)}</td><td><ExternalLink href={r.web_url}><ResourceName type={r.resource_type} id={r.resource_id} /></ExternalLink></td><td>{typeof r.action === 'string' ? humanize(r.action) : '–'}</td><td>{typeof r.link_method === 'string' ? humanize(r.link_method) : sourceWords(r.source)}</td><td><Time at={r.occurred_at} /></td></tr>
      ))}</tbody>
    </table></div>
  );

/** The page of the timeline shown: its events, the seq to continue after (null on the last page), whether it is the first page, its size. */
export interface TimelineShown {
  events: EventView[];
  next: number | null;
  first: boolean;
  limit: number;
}

const Cut: FC<{ complete: boolean; what: string }> = ({ complete, what }) =>
  complete ? null : <p class="muted">Only the first {DETAIL_LIMIT.toLocaleString('en-US')} {what} are listed here; the timeline below pages through all events.</p>;

const TimelinePager: FC<{ sessionId: string; timeline: TimelineShown }> = ({ sessionId, timeline }) => {
  if (timeline.first && timeline.next === null) return null;
  const href = (after: number | null) => {
    const q = new URLSearchParams();
    if (after !== null) q.set('timeline_after', String(after));
    if (timeline.limit !== TIMELINE_DEFAULT) q.set('timeline_limit', String(timeline.limit));
    const query = q.toString();
    return `/-/duo/sessions/${encodeURIComponent(sessionId)}${query === '' ? '' : `?${query}`}#timeline`;
  };
  return (
    <div class="pager">
      {timeline.first ? null : <a class="button" href={href(null)}>First events</a>}
      {timeline.next === null ? null : <a class="button" href={href(timeline.next)} rel="next">Next {timeline.limit} events</a>}
    </div>
  );
};

export const SessionPage: FC<{ who: SignedIn; session: SessionView; story: SessionStory; resources: ResourceView[]; complete: SessionDetails['complete']; timeline: TimelineShown; integrity: IntegrityStatus; marks: EventView[]; holds?: HoldView[] }> = ({ who, session, story, resources, complete, timeline, integrity, marks, holds = [] }) => {
  const span: ChartSpan = {
    from: new Date(session.started_at ?? session.first_event_at),
    to: new Date(session.ended_at ?? session.last_event_at),
    ended: session.ended_at !== null,
  };
  const usage = o(session.usage);
  const model = o(session.model);
  return (
    <Layout title={`Session ${session.session_id}`} who={who}>
      <p class="muted"><a href="/-/duo/sessions">Sessions</a> / {session.session_id}</p>
      <h1>Session {session.session_id} <StatusBadge status={session.status} deleted={session.deleted} /></h1>
      <HoldNotice holds={holds} />
      <Attribution session={session} />
      <dl class="facts">
        <dt>Started</dt><dd><Time at={session.started_at} /></dd>
        <dt>Ended</dt><dd><Time at={session.ended_at} /></dd>
        <dt>Duration</dt><dd>{formatDuration(session.duration_ms)}</dd>
        <dt>Token usage</dt><dd>{usage.input_tokens !== undefined || usage.output_tokens !== undefined ? `${s(usage.input_tokens)} in, ${s(usage.output_tokens)} out` : '–'}</dd>
        <dt>Model</dt><dd>{model.provider !== undefined ? `${s(model.provider)} ${s(model.engine)}` : '–'}</dd>
        <dt>Events</dt><dd>{session.events_count} (the first from: {sourceWords(session.source)})</dd>
      </dl>
      <SessionChart span={span} events={marks} />
      <p><a href={`/-/duo/sessions/compare?a=${encodeURIComponent(session.session_id)}`}>Compare with another session</a></p>

      {story.alerts.length > 0 || session.violations.length > 0 ? (
        <>
          <h2>Alerts</h2>
          <Cut complete={complete.alerts} what="alerts" />
          {story.alerts.map((e) => <div class="alert"><strong>{eventWords(e.type)}</strong> <Time at={e.occurred_at} />: <AlertDetail event={e} /></div>)}
        </>
      ) : null}

      <h2>Integrity</h2>
      {timeline.first && timeline.next === null ? null : <p class="muted">Of the events on this page of the timeline.</p>}
      <Integrity status={integrity} />

      <h2>Authorization</h2>
      <Authorization session={session} />

      <h2>Input</h2>
      {story.input === null ? <p class="muted">The start of this session was not recorded.</p> : (
        <>
          <Text value={story.input.prompt} />
          {story.input.summary !== undefined ? <><p class="muted">Summary</p><Text value={story.input.summary} /></> : null}
          {story.input.context !== undefined ? <><p class="muted">Context</p><Text value={story.input.context} /></> : null}
        </>
      )}

      <h2>Plan</h2>
      {story.plan === null ? <p class="muted">No plan recorded.</p> : (
        <>
          {story.plan.summary !== undefined ? <Text value={story.plan.summary} /> : null}
          <ol class="steps">{story.plan.steps.map((step) => <li>{lineOf(step)}</li>)}</ol>
        </>
      )}

      <h2>Decisions</h2>
      <Cut complete={complete.decisions} what="decisions" />
      {story.decisions.length === 0 ? <p class="muted">No decisions recorded.</p> : (
        <div class="table-box"><table>
          <thead><tr><th>Step</th><th>Decision</th><th>Rationale</th><th>Alternatives</th><th>When</th></tr></thead>
          <tbody>{story.decisions.map((d) => (
            <tr><td>{s(d.step)}</td><td><Line value={d.decision} /></td><td>{d.rationale === undefined ? '–' : <Line value={d.rationale} />}</td><td>{Array.isArray(d.alternatives) ? d.alternatives.map(lineOf).join('; ') : <Line value={d.alternatives} />}</td><td><Time at={d.at} /></td></tr>
          ))}</tbody>
        </table></div>
      )}

      {story.outcome !== null ? (
        <>
          <h2>Outcome</h2>
          {story.outcome.error !== null ? <div class="alert"><strong>Failed{story.outcome.error.step !== undefined ? ` at step ${s(story.outcome.error.step)}` : ''}:</strong> {s(story.outcome.error.message)} <span class="muted">({typeof story.outcome.error.category === 'string' ? humanize(story.outcome.error.category) : '–'}; error code {s(story.outcome.error.code)})</span></div> : null}
          {story.outcome.summary !== undefined ? <Text value={story.outcome.summary} /> : null}
        </>
      ) : null}

      <h2>Resources</h2>
      <Cut complete={complete.resources} what="resources" />
      <Resources resources={resources} />

      <h2 id="timeline">Timeline</h2>
      <TimelinePager sessionId={session.session_id} timeline={timeline} />
      {timeline.events.length === 0 ? <Empty title="No events">Nothing has been recorded for this session.</Empty> : (
        <div class="table-box"><table>
          <thead><tr><th>Log position</th><th>Event</th><th>Source</th><th>Occurred</th><th>Recorded</th></tr></thead>
          <tbody>{timeline.events.map((e) => (
            <tr><td class="mono" title={`Log position ${e.seq}`}>{e.seq}</td><td title={e.type}>{e.purged === true ? <Badge variant="neutral">purged by retention</Badge> : eventWords(e.type)}</td><td>{sourceWords(e.source)}{e.source_type ? <span class="muted"> ({humanize(e.source_type)})</span> : null}</td><td><Time at={e.occurred_at} /></td><td><Time at={e.recorded_at} /></td></tr>
          ))}</tbody>
        </table></div>
      )}
      <TimelinePager sessionId={session.session_id} timeline={timeline} />
      <p class="muted">As JSON, with an API token (the API does not take the browser session): <code>GET /api/v1/sessions/{encodeURIComponent(session.session_id)}</code></p>
    </Layout>
  );
};
