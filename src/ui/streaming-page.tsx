import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AppDeps, AppEnv } from '../app-env.js';
import { can, type SignedIn } from '../auth/index.js';
import { destinationView, streamLag, type DestinationView } from '../stream/index.js';
import { Time } from './components.js';
import { Layout } from './layout.js';
import { MessagePage } from './message-page.js';
import { signedIn } from './signed-in.js';

type Row = DestinationView & { lagEvents: number; lagSeconds: number };

const TYPE_WORDS: Record<string, string> = { http: 'HTTP (GitLab streaming JSON)', splunk_hec: 'Splunk HTTP Event Collector', syslog: 'Syslog (RFC 5424)' };
const STATE_WORDS: Record<string, string> = { delivering: 'Delivering', failing: 'Failing, retrying', paused: 'Paused', inactive: 'Switched off' };
const STATE_BADGE: Record<string, string> = { delivering: 'badge-success', failing: 'badge-warning', paused: 'badge-danger', inactive: 'badge-muted' };

/** A lag in seconds as people say it. */
function sayLag(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

const Filters: FC<{ d: Row }> = ({ d }) => (
  <>{d.filters.types.length === 0 && d.filters.projects.length === 0 ? <span class="muted">every event</span> : (
    <>
      {d.filters.types.length > 0 ? <div>types: {d.filters.types.join(', ')}</div> : null}
      {d.filters.projects.length > 0 ? <div>projects: {d.filters.projects.join(', ')}</div> : null}
    </>
  )}</>
);

export const StreamingPage: FC<{ who: SignedIn; rows: Row[] }> = ({ who, rows }) => (
  <Layout title="Streaming destinations" who={who}>
    <h1>Streaming destinations</h1>
    <p class="muted">Where the audit log is sent as it grows (SIEMs). Each destination has its own cursor: events arrive at least once and in order,
      and a destination that is down catches up where it stopped. Add, change or remove them with <code>flowtrail streaming</code> or
      <code> /api/v1/streaming-destinations</code>; a change resumes a paused destination.</p>
    {rows.length === 0 ? <p>No destination yet.</p> : (
      <div class="table-box"><table>
        <thead><tr><th>Name</th><th>Kind</th><th>Where</th><th>Sends</th><th>State</th><th>Behind by</th><th>Last delivery</th></tr></thead>
        <tbody>{rows.map((d) => (
          <tr>
            <td>{d.name}<div class="muted mono">{d.id}</div></td>
            <td>{TYPE_WORDS[d.type] ?? d.type}<div class="muted">format {d.format}{d.token_set ? (d.token_env !== null ? `; token from $${d.token_env}` : '; token set') : ''}</div></td>
            <td class="mono wrap">{d.url}</td>
            <td><Filters d={d} /></td>
            <td>
              <span class={`badge ${STATE_BADGE[d.state] ?? 'badge-muted'}`}>{STATE_WORDS[d.state] ?? d.state}</span>
              {d.state === 'paused' ? <div>{d.paused_reason}</div> : d.last_error !== null ? <div class="muted">last error: {d.last_error}</div> : null}
            </td>
            <td>{d.lagEvents === 0 ? 'up to date' : <>{d.lagEvents.toLocaleString('en-US')} {d.lagEvents === 1 ? 'event' : 'events'}, {sayLag(d.lagSeconds)}</>}</td>
            <td>{d.delivered_at === null ? <span class="muted">never</span> : <Time at={new Date(d.delivered_at)} />}<div class="muted">{d.delivered_total.toLocaleString('en-US')} sent</div></td>
          </tr>
        ))}</tbody>
      </table></div>
    )}
  </Layout>
);

/** /admin/duo_agent_platform/streaming: the destinations with their state, lag and paused reason (administrators). */
export function createStreamingRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/admin/duo_agent_platform/streaming', async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    if (!can(who.principal.role, 'manage_streaming')) {
      return c.html(<MessagePage who={who} title="Not allowed" message={`Streaming destinations are for administrators; you are signed in as ${who.principal.role}.`} />, 403);
    }
    const rows = (await streamLag(deps.sql)).map((l) => ({ ...destinationView(l.destination), lagEvents: l.events, lagSeconds: l.seconds }));
    return c.html(<StreamingPage who={who} rows={rows} />);
  });
  return app;
}
