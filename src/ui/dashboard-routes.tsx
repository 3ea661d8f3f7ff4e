import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { sessionView, viewEvents } from '../audit/index.js';
import { can } from '../auth/index.js';
import { ALERT_TYPES } from '../events.js';
import { decodeCursor, decodeSessionCursor, encodeCursor, encodeSessionCursor, eventFilters, exportQuerySchema, exportResponse, keysetPage, parseQuery } from '../http/index.js';
import { alertCounts, countJobs, countPending, dashboardEvents, listFlowTypes, listJobs, listSessions, logSize, recentAlerts, sessionsPerDay } from '../store/index.js';
import { AuditPage, type LogStatus } from './audit-page.js';
import { checkCsrf } from './csrf.js';
import type { DeadLetters } from './dead-letters.js';
import { cursorOf } from './cursor-of.js';
import { groupAlerts } from './group-alerts.js';
import { htmlMessage } from './html-errors.js';
import { MessagePage } from './message-page.js';
import { dateBounds, parsePageFilters, storeFilters } from './page-filters.js';
import { signedCheckpoint } from './session-integrity.js';
import { signedIn } from './signed-in.js';

const PAGE = 20;
/** The newest alerts read to fold repeats into the dashboard's ten rows. */
const RECENT_ALERTS = 100;
const DAY_MS = 86_400_000;
const isEventCursor = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && Number.isSafeInteger(v[1]);
const pageExportSchema = exportQuerySchema.omit({ bundle: true });

/** /admin/duo_agent_platform/audit (the auditors' dashboard) and its export form. */
export function createDashboardRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/admin/duo_agent_platform/audit', async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    if (!can(who.principal.role, 'read_all')) {
      return c.html(<MessagePage who={who} title="Not allowed" message={`The audit dashboard is for auditors and administrators; you are signed in as ${who.principal.role}.`} />, 403);
    }
    const { filters, error } = parsePageFilters(c.req.query(), ['user', 'project', 'flow_type', 'status', 'type', 'from', 'to', 'cursor', 'events_cursor']);
    const sf = storeFilters(filters);
    const bounds = dateBounds(filters);
    // The chart's window: the filter's days, else the 30 days up to the end of today (UTC).
    const to = bounds.to ?? new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + DAY_MS);
    const from = bounds.from ?? new Date(to.getTime() - 30 * DAY_MS);
    const before = cursorOf(filters.events_cursor, (raw) => decodeCursor(raw, isEventCursor));
    const eventQuery = { type: filters.type, username: filters.user, project: filters.project, flowType: filters.flow_type, from: bounds.from, to: bounds.to };
    // The alerts follow the page's user, project and flow type (their sessions, and the session-less alerts naming them).
    const whose = { username: filters.user, project: filters.project, flowType: filters.flow_type };
    const [rows, events, perDay, alerts, latestAlerts, log, dead, flowTypes] = await Promise.all([
      listSessions(deps.sql, sf, PAGE + 1, cursorOf(filters.cursor, decodeSessionCursor)),
      dashboardEvents(deps.sql, eventQuery, PAGE + 1, before === undefined ? undefined : { occurredUs: before[0], seq: before[1] }),
      sessionsPerDay(deps.sql, { ...sf, from, to }),
      alertCounts(deps.sql, ALERT_TYPES, from, to, whose),
      recentAlerts(deps.sql, ALERT_TYPES, from, to, RECENT_ALERTS, whose).then(viewEvents),
      logStatus(deps),
      deadLetters(deps),
      listFlowTypes(deps.sql),
    ]);
    const sessions = keysetPage(rows, PAGE, encodeSessionCursor);
    const evs = keysetPage(events, PAGE, (e) => encodeCursor([e.occurredUs, e.seq]));
    const data = {
      sessions: sessions.page.map(sessionView),
      nextSessions: sessions.next,
      events: viewEvents(evs.page),
      nextEvents: evs.next,
      perDay, window: { from, to }, alerts, recentAlerts: groupAlerts(latestAlerts).slice(0, 10), log, dead, flowTypes,
      exportQuery: { type: filters.type, user: filters.user, project: filters.project, flow_type: filters.flow_type, from: bounds.from?.toISOString(), to: bounds.to?.toISOString() },
    };
    return c.html(<AuditPage who={who} filters={filters} error={error} data={data} />, error === null ? 200 : 400);
  });

  // The dashboard's export buttons: a form POST from this site with the page's CSRF token (never a GET, and the API
  // does not take the cookie), streaming the same export as GET /api/v1/export.
  app.post('/admin/duo_agent_platform/audit/export', async (c) => {
    const who = await deps.webSessions.read(c);
    if (who === null) return htmlMessage(deps, c, 401, 'Sign in first', 'Sign in first: exports from the dashboard are for signed-in auditors and administrators.');
    if (!(await checkCsrf(c, who, deps.config.http.publicUrl))) return htmlMessage(deps, c, 403, 'Not allowed', 'The form expired or did not come from this site. Reload the page and try again.');
    if (!can(who.principal.role, 'read_all')) return htmlMessage(deps, c, 403, 'Not allowed', `Exports from the dashboard are for auditors and administrators; you are signed in as ${who.principal.role}.`);
    const form = await c.req.parseBody();
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) if (k !== '_csrf' && typeof v === 'string' && v !== '') fields[k] = v;
    const q = parseQuery(pageExportSchema, fields);
    const p = who.principal;
    return exportResponse(deps, { format: q.format, filters: eventFilters(q, p), actor: { id: p.tokenId, role: p.role, username: p.username }, channel: 'web' });
  });
  return app;
}

/** The dead letters box: how many jobs gave up, and the latest five with their reasons. */
async function deadLetters(deps: AppDeps): Promise<DeadLetters> {
  const [counts, latest] = await Promise.all([countJobs(deps.sql), listJobs(deps.sql, 'dead', 5)]);
  return { count: counts.dead, latest };
}

/** The log box of the dashboard: its size, events waiting to enter it, and the latest signed checkpoint. */
async function logStatus(deps: AppDeps): Promise<LogStatus> {
  const [size, pending, checkpoint] = await Promise.all([logSize(deps.sql), countPending(deps.sql), signedCheckpoint(deps.sql, deps.verifiers)]);
  return { size, pending, origin: deps.origin, checkpoint };
}
