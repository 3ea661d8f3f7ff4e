import type { FC } from 'hono/jsx';
import type { HoldView } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import { Badge, Empty, HiddenCsrf, Time } from './components.js';
import { Layout } from './layout.js';

export interface RetentionShown {
  defaultDays: number;
  floorDays: number;
  rules: { scope: string; value: string; days: number; setBy: string; setAt: Date }[];
}

const SCOPE_WORDS: Record<string, string> = { session: 'Session', user: 'Everything initiated by', project: 'Every session of project', flow_type: 'Flow type' };

/** What a hold covers, in words: "Every session of project acme/payments". */
export const HoldTarget: FC<{ scope: string; value: string }> = ({ scope, value }) => (
  <span>{SCOPE_WORDS[scope] ?? scope} <code>{value}</code></span>
);

/**
 * /admin/duo_agent_platform/legal_holds: the holds in force and released, and
 * the retention in force; an administrator also places and releases holds here.
 */
export const HoldsPage: FC<{ who: SignedIn; holds: HoldView[]; retention: RetentionShown; canManage: boolean; error: string | null; notice: string | null }> = ({ who, holds, retention, canManage, error, notice }) => {
  const active = holds.filter((h) => h.active);
  const released = holds.filter((h) => !h.active);
  return (
    <Layout title="Legal holds" who={who}>
      <h1>Legal holds and retention</h1>
      <p class="muted">A legal hold keeps every session it covers from retention and from GDPR erasure until it is released. Both record what they left and which hold kept it.</p>
      {error !== null ? <p class="error-box" role="alert">{error}</p> : null}
      {notice !== null ? <p class="notice" role="status">{notice}</p> : null}
      <h2>In force ({active.length})</h2>
      {active.length === 0 ? <Empty title="No active legal holds">Retention and erasure apply to every session.</Empty> : (
        <div class="table-scroll">
          <table>
            <thead><tr><th>Hold</th><th>Covers</th><th>Reason</th><th>Placed</th>{canManage ? <th>Release</th> : null}</tr></thead>
            <tbody>
              {active.map((h) => (
                <tr>
                  <td>#{h.id} <Badge variant="warning">on hold</Badge></td>
                  <td><HoldTarget scope={h.scope} value={h.value} /></td>
                  <td>{h.reason}</td>
                  <td><Time at={h.placed_at} /> by {h.placed_by}</td>
                  {canManage ? (
                    <td>
                      <form method="post" action={`/admin/duo_agent_platform/legal_holds/${h.id}/release`} class="inline">
                        <HiddenCsrf token={who.csrfToken} />
                        <label>Why <input name="reason" required maxlength={2000} placeholder="Matter closed" /></label>
                        <button type="submit">Release</button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage ? (
        <>
          <h2>Place a hold</h2>
          <form method="post" action="/admin/duo_agent_platform/legal_holds" class="filters">
            <HiddenCsrf token={who.csrfToken} />
            <label>On
              <select name="scope">
                <option value="session">one session</option>
                <option value="user">a person's sessions</option>
                <option value="project">a project's sessions</option>
              </select>
            </label>
            <label>Which (session id, GitLab username or group/project) <input name="value" required maxlength={1024} /></label>
            <label>Reason <input name="reason" required maxlength={2000} placeholder="Matter 2026-17" /></label>
            <button type="submit">Place hold</button>
          </form>
        </>
      ) : null}
      <h2>Retention in force</h2>
      <p>Sessions are kept <strong>{retention.defaultDays} days</strong> after they end unless a rule below says otherwise (the longer one when a project rule and a flow-type rule both apply). The database owner allows no less than {retention.floorDays} days.</p>
      {retention.rules.length === 0 ? <Empty title="No rules per project or flow type">Change them with <code>flowtrail retention set</code> or <code>PUT /api/v1/retention/rules</code>.</Empty> : (
        <div class="table-scroll">
          <table>
            <thead><tr><th>For</th><th>Kept</th><th>Set</th></tr></thead>
            <tbody>{retention.rules.map((r) => <tr><td><HoldTarget scope={r.scope} value={r.value} /></td><td>{r.days} days</td><td><Time at={r.setAt} /> by {r.setBy}</td></tr>)}</tbody>
          </table>
        </div>
      )}
      {released.length > 0 ? (
        <>
          <h2>Released ({released.length})</h2>
          <div class="table-scroll">
            <table>
              <thead><tr><th>Hold</th><th>Covered</th><th>Reason</th><th>Placed</th><th>Released</th></tr></thead>
              <tbody>
                {released.map((h) => (
                  <tr>
                    <td>#{h.id}</td><td><HoldTarget scope={h.scope} value={h.value} /></td><td>{h.reason}</td>
                    <td><Time at={h.placed_at} /> by {h.placed_by}</td>
                    <td><Time at={h.released_at} /> by {h.released_by}{h.release_reason === null ? null : <>: {h.release_reason}</>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Layout>
  );
};

/** The session page's notice that a hold keeps this session. */
export const HoldNotice: FC<{ holds: HoldView[] }> = ({ holds }) => holds.length === 0 ? null : (
  <p class="notice hold" role="status">
    <Badge variant="warning">Legal hold</Badge>{' '}
    Retention and erasure leave this session as it is while {holds.length === 1 ? 'this hold is' : 'these holds are'} in force:{' '}
    {holds.map((h, i) => <>{i > 0 ? '; ' : ''}#{h.id} (<HoldTarget scope={h.scope} value={h.value} />, {h.reason})</>)}.
  </p>
);
