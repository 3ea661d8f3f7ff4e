import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { resourcesOf, sessionDetails, sessionView, viewEvents } from '../audit/index.js';
import { can, type SignedIn } from '../auth/index.js';
import { decodeCursor, decodeSessionCursor, encodeCursor, encodeSessionCursor, eventFilters, exportQuerySchema, exportResponse, keysetPage, parseQuery, timelineQuerySchema } from '../http/index.js';
import { alertCounts, countPending, dashboardEvents, getSession, listSessions, logSize, recentAlerts, sessionTimeline, sessionsPerDay, type SessionFilters, type SessionRow } from '../store/index.js';
import { APP_CSS, APP_JS } from './assets.js';
import { AuditPage, type LogStatus } from './audit-page.js';
import { ComparePage, type Side } from './compare-page.js';
import { MessagePage } from './message-page.js';
import { dateBounds, parsePageFilters, type PageFilters } from './page-filters.js';
import { ALERT_TYPES } from '../events.js';
import { sessionStory } from './session-detail.js';
import { integrityOf, signedCheckpoint } from './session-integrity.js';
import { SessionPage } from './session-page.js';
import { SessionsPage } from './sessions-page.js';
import { checkCsrf } from './csrf.js';
import { createSignInRoutes } from './sign-in-routes.js';

const PAGE = 20;
const isEventCursor = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && Number.isSafeInteger(v[1]);
/** A cursor in a page's link: one the service did not issue starts from the top rather than failing the page. */
const cursorOf = <T,>(raw: string | undefined, decode: (raw: string) => T): T | undefined => {
  if (raw === undefined) return undefined;
  try {
    return decode(raw);
  } catch {
    return undefined;
  }
};

/**
 * The pages (SPEC Read surfaces): server-rendered with hono/jsx, working
 * without JavaScript. Every page needs a signed-in browser session; a `user`
 * sees only the sessions they initiated, and another user's session answers
 * like a missing one.
 */
export function createUiApp(deps: AppDeps, options: { fetch?: typeof fetch } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route('/', createSignInRoutes(deps, options));

  app.get('/-/assets/app.css', (c) => c.body(APP_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/-/assets/app.js', (c) => c.body(APP_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/', (c) => c.redirect('/-/duo/sessions'));

  /** The signed-in person, or a redirect to the sign-in page that comes back here. */
  const signedIn = async (c: Context<AppEnv>): Promise<SignedIn | Response> => {
    const who = await deps.webSessions.read(c);
    if (who !== null) {
      c.header('cache-control', 'no-store');
      return who;
    }
    const url = new URL(c.req.url);
    return c.redirect(`/-/sign_in?return_to=${encodeURIComponent(url.pathname + url.search)}`, 302);
  };
  const visible = (who: SignedIn, s: SessionRow | null): s is SessionRow => s !== null && (can(who.principal.role, 'read_all') || s.username === who.principal.username);
  const notFound = (c: Context<AppEnv>, who: SignedIn, id: string) =>
    c.html(<MessagePage who={who} title="Session not found" message={`There is no session ${id.slice(0, 128)} that you may see.`} />, 404);

  app.get('/-/duo/sessions', async (c) => {
    const who = await signedIn(c);
    if (who instanceof Response) return who;
    const { filters, error } = parsePageFilters(c.req.query(), ['project', 'flow_type', 'status', 'from', 'to', 'cursor']);
    const everyone = who.principal.username === null && can(who.principal.role, 'read_all');
    const rows = await listSessions(deps.sql, {
      ...storeFilters(filters),
      username: everyone ? undefined : (who.principal.username ?? '\u0000'),
    }, PAGE + 1, cursorOf(filters.cursor, decodeSessionCursor));
    const { page, next } = keysetPage(rows, PAGE, encodeSessionCursor);
    return c.html(<SessionsPage who={who} sessions={page.map(sessionView)} filters={filters} error={error} next={next} everyone={everyone} />, error === null ? 200 : 400);
  });

  const side = async (who: SignedIn, id: string): Promise<Side | null> => {
    const s = await getSession(deps.sql, id);
    if (!visible(who, s)) return null;
    const { events } = await sessionDetails(deps.sql, id);
    return { session: sessionView(s), story: sessionStory(events), resources: resourcesOf(events) };
  };

  app.get('/-/duo/sessions/compare', async (c) => {
    const who = await signedIn(c);
    if (who instanceof Response) return who;
    const aId = (c.req.query('a') ?? '').trim();
    const bId = (c.req.query('b') ?? '').trim();
    if (aId === '' || bId === '') return c.html(<ComparePage who={who} a={null} b={null} aId={aId} bId={bId} error={null} />);
    const [a, b] = await Promise.all([side(who, aId), side(who, bId)]);
    const missing = [a === null ? aId : null, b === null ? bId : null].filter((x) => x !== null);
    const error = missing.length > 0 ? `No session ${missing.map((m) => m.slice(0, 128)).join(' or ')} that you may see.` : null;
    return c.html(<ComparePage who={who} a={a} b={b} aId={aId} bId={bId} error={error} />, error === null ? 200 : 404);
  });

  app.get('/-/duo/sessions/:id', async (c) => {
    const who = await signedIn(c);
    if (who instanceof Response) return who;
    const id = c.req.param('id');
    const s = await getSession(deps.sql, id);
    if (!visible(who, s)) return notFound(c, who, id);
    const q = timelineQuerySchema.safeParse({ timeline_after: c.req.query('timeline_after'), timeline_limit: c.req.query('timeline_limit') });
    const bad = (message: string) => c.html(<MessagePage who={who} title="Not a page of this timeline" message={message} />, 400);
    if (!q.success) return bad(q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const [rows, details] = await Promise.all([sessionTimeline(deps.sql, id, q.data.timeline_limit + 1, q.data.timeline_after), sessionDetails(deps.sql, id)]);
    if (rows === null) return bad(`timeline_after: ${q.data.timeline_after} is not the seq of an event of session ${id.slice(0, 128)}.`);
    const { page, next } = keysetPage(rows, q.data.timeline_limit, (last) => String(last.seq));
    // The integrity box checks the events this page shows.
    const integrity = await integrityOf(deps.sql, page, deps.verifiers);
    const timeline = { events: viewEvents(page), next: next === null ? null : Number(next), first: q.data.timeline_after === undefined, limit: q.data.timeline_limit };
    return c.html(<SessionPage who={who} session={sessionView(s)} story={sessionStory(details.events)} resources={resourcesOf(details.events)} complete={details.complete} timeline={timeline} integrity={integrity} />);
  });

  app.get('/admin/duo_agent_platform/audit', async (c) => {
    const who = await signedIn(c);
    if (who instanceof Response) return who;
    if (!can(who.principal.role, 'read_all')) {
      return c.html(<MessagePage who={who} title="Not allowed" message={`The audit dashboard is for auditors and administrators; you are signed in as ${who.principal.role}.`} />, 403);
    }
    const { filters, error } = parsePageFilters(c.req.query(), ['user', 'project', 'flow_type', 'status', 'type', 'from', 'to', 'cursor', 'events_cursor']);
    const sf = storeFilters(filters);
    const bounds = dateBounds(filters);
    const to = bounds.to ?? new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + 86_400_000);
    const from = bounds.from ?? new Date(to.getTime() - 30 * 86_400_000);
    const before = cursorOf(filters.events_cursor, (raw) => decodeCursor(raw, isEventCursor));
    const eventFilters = { type: filters.type, username: filters.user, project: filters.project, from: bounds.from, to: bounds.to };
    const [rows, events, perDay, alerts, latestAlerts, log] = await Promise.all([
      listSessions(deps.sql, sf, PAGE + 1, cursorOf(filters.cursor, decodeSessionCursor)),
      dashboardEvents(deps.sql, eventFilters, PAGE + 1, before === undefined ? undefined : { occurredUs: before[0], seq: before[1] }),
      sessionsPerDay(deps.sql, { ...sf, from, to }),
      alertCounts(deps.sql, ALERT_TYPES, from, to),
      recentAlerts(deps.sql, ALERT_TYPES, from, to, 10).then(viewEvents),
      logStatus(deps),
    ]);
    const sessions = keysetPage(rows, PAGE, encodeSessionCursor);
    const evs = keysetPage(events, PAGE, (e) => encodeCursor([e.occurredUs, e.seq]));
    const data = {
      sessions: sessions.page.map(sessionView),
      nextSessions: sessions.next,
      events: viewEvents(evs.page),
      nextEvents: evs.next,
      perDay, window: { from, to }, alerts, recentAlerts: latestAlerts, log,
      exportQuery: { type: filters.type, user: filters.user, project: filters.project, from: bounds.from?.toISOString(), to: bounds.to?.toISOString() },
    };
    return c.html(<AuditPage who={who} filters={filters} error={error} data={data} />, error === null ? 200 : 400);
  });

  // The dashboard's export buttons: a form POST from this site with the page's CSRF token (never a GET, and the API
  // does not take the cookie), streaming the same export as GET /api/v1/export.
  app.post('/admin/duo_agent_platform/audit/export', async (c) => {
    const who = await deps.webSessions.read(c);
    if (who === null) return c.text('Sign in first.', 401);
    if (!(await checkCsrf(c, who, deps.config.http.publicUrl))) return c.text('The form expired or did not come from this site. Reload the page and try again.', 403);
    if (!can(who.principal.role, 'read_all')) return c.text(`Exports from the dashboard are for auditors and administrators; you are signed in as ${who.principal.role}.`, 403);
    const form = await c.req.parseBody();
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) if (k !== '_csrf' && typeof v === 'string' && v !== '') fields[k] = v;
    const q = parseQuery(pageExportSchema, fields);
    const p = who.principal;
    return exportResponse(deps, { format: q.format, filters: eventFilters(q, p), actor: { id: p.tokenId, role: p.role, username: p.username }, channel: 'web' });
  });
  return app;
}

const pageExportSchema = exportQuerySchema.omit({ bundle: true });

function storeFilters(f: PageFilters): SessionFilters {
  return { username: f.user, project: f.project, flowType: f.flow_type, status: f.status, ...dateBounds(f) };
}

async function logStatus(deps: AppDeps): Promise<LogStatus> {
  const [size, pending, checkpoint] = await Promise.all([logSize(deps.sql), countPending(deps.sql), signedCheckpoint(deps.sql, deps.verifiers)]);
  return { size, pending, origin: deps.origin, checkpoint };
}
