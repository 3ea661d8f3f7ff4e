import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { toView } from '../audit/index.js';
import { can, type SignedIn } from '../auth/index.js';
import { isAppError } from '../errors.js';
import { ALERT_TYPES } from '../events.js';
import { alertActionSchema, alertsQuerySchema } from '../http/index.js';
import { countAlertStates, listAlerts, recordAlertAction, type AlertAction, type AlertRow } from '../store/index.js';
import { ALERTS_PATH, AlertsPage, type AlertShown, type AlertsFilter } from './alerts-page.js';
import { checkCsrf } from './csrf.js';
import { MessagePage } from './message-page.js';
import { withQuery } from './page-filters.js';
import { safeReturnTo } from './safe-return.js';
import { signedIn } from './signed-in.js';

const PAGE = 25;
type Ctx = Context<AppEnv>;
/** The query keys the page sets itself after a form: which step was taken on which alert. */
const FLASH_KEYS = ['done', 'alert'];

const shown = (a: AlertRow): AlertShown => {
  const event = toView(a);
  return {
    event, project: event.project_path ?? a.sessionProject, person: event.username ?? a.sessionUsername,
    state: a.state, actor: a.actorName ?? a.actor, reason: a.reason, actedAt: a.actedAt,
    issue: a.gitlabIssueIid === null ? null : { iid: a.gitlabIssueIid, url: a.gitlabIssueUrl },
  };
};

/** The page's filters from its query (the flash keys left out), or what is wrong with them. */
function parseFilter(query: Record<string, string>): { filter: AlertsFilter; before: number | undefined; error: string | null } {
  const fields = Object.fromEntries(Object.entries(query).filter(([k, v]) => !FLASH_KEYS.includes(k) && v !== ''));
  const r = alertsQuerySchema.omit({ limit: true }).safeParse(fields);
  if (!r.success) return { filter: { state: 'open', type: undefined }, before: undefined, error: `Filters not applied: ${r.error.issues.map((i) => `${i.path.join('.') || 'query'} ${i.message}`).join('; ')}.` };
  return { filter: { state: r.data.state, type: r.data.type }, before: r.data.before, error: null };
}

/** Where a form goes back to: this page with the filters it was sent from, never another site or page. */
function backTo(raw: unknown): string {
  const path = safeReturnTo(raw);
  return path === ALERTS_PATH || path.startsWith(`${ALERTS_PATH}?`) ? path : ALERTS_PATH;
}

/** The alerts page: readers with read_all see it; those who handle alerts acknowledge and resolve through its forms. */
export function createAlertsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const render = async (c: Ctx, who: SignedIn, self: string, messages: { error: string | null; notice: string | null }, status: 200 | 400 | 404 | 409) => {
    const url = new URL(self, 'http://page');
    const parsed = parseFilter(Object.fromEntries(url.searchParams));
    const { filter, before } = parsed;
    const types = filter.type === undefined ? ALERT_TYPES : [filter.type];
    const [rows, counts] = await Promise.all([
      listAlerts(deps.sql, types, { state: filter.state === 'all' ? undefined : filter.state, before, limit: PAGE + 1 }),
      countAlertStates(deps.sql, types),
    ]);
    const page = rows.slice(0, PAGE);
    const data = { alerts: page.map(shown), counts, types: ALERT_TYPES, nextBefore: rows.length > PAGE ? page[page.length - 1]!.seq : null, self: withQuery(ALERTS_PATH, { state: filter.state, type: filter.type, before: before?.toString() }) };
    const error = messages.error ?? parsed.error;
    return c.html(<AlertsPage who={who} filter={filter} data={data} canHandle={can(who.principal.role, 'handle_alerts')} error={error} notice={messages.notice} />,
      parsed.error !== null && status === 200 ? 400 : status);
  };

  app.get(ALERTS_PATH, async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    if (!can(who.principal.role, 'read_all')) {
      return c.html(<MessagePage who={who} title="Not allowed" message={`Alerts are for auditors and administrators; you are signed in as ${who.principal.role}.`} />, 403);
    }
    const done = c.req.query('done');
    const alert = c.req.query('alert');
    const notice = (done === 'acknowledged' || done === 'resolved') && alert !== undefined && /^\d{1,16}$/.test(alert) ? `Alert #${alert} ${done}.` : null;
    const url = new URL(c.req.url);
    return render(c, who, url.pathname + url.search, { error: null, notice }, 200);
  });

  const step = (action: AlertAction) => async (c: Ctx) => {
    const who = await deps.webSessions.read(c);
    if (who === null) return c.redirect('/-/sign_in', 303);
    if (!(await checkCsrf(c, who, deps.config.http.publicUrl))) return c.html(<MessagePage who={who} title="The form expired" message="The form expired or did not come from this site. Reload the page and try again." />, 403);
    if (!can(who.principal.role, 'handle_alerts')) return c.html(<MessagePage who={who} title="Not allowed" message={`Acknowledging and resolving alerts is for auditors and administrators; you are signed in as ${who.principal.role}.`} />, 403);
    const form = await c.req.parseBody();
    const back = backTo(form.return_to);
    const id = c.req.param('id') ?? '';
    if (!/^[0-9]{1,16}$/.test(id)) return render(c, who, back, { error: `"${id.slice(0, 40)}" is not an alert (its log position, a whole number).`, notice: null }, 404);
    const r = alertActionSchema.safeParse({ reason: typeof form.reason === 'string' ? form.reason : '' });
    if (!r.success) return render(c, who, back, { error: `Alert #${id} was not ${action}: ${r.error.issues[0]!.message}.`, notice: null }, 400);
    try {
      await recordAlertAction(deps.sql, ALERT_TYPES, Number(id), action, who.principal.tokenId, deps.sanitizer.sanitizeText(r.data.reason).text);
    } catch (err) {
      if (isAppError(err) && (err.code === 'not_found' || err.code === 'conflict')) {
        return render(c, who, back, { error: `Alert #${id} was not ${action}: ${err.message}.`, notice: null }, err.code === 'conflict' ? 409 : 404);
      }
      throw err;
    }
    const target = new URL(back, 'http://page');
    for (const k of FLASH_KEYS) target.searchParams.delete(k);
    target.searchParams.set('done', action);
    target.searchParams.set('alert', id);
    return c.redirect(`${target.pathname}${target.search}#alert-${id}`, 303);
  };
  app.post(`${ALERTS_PATH}/:id/acknowledge`, step('acknowledged'));
  app.post(`${ALERTS_PATH}/:id/resolve`, step('resolved'));
  return app;
}
