import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { holdView, resourcesOf, sessionDetails, sessionView, viewEvents } from '../audit/index.js';
import { can, type SignedIn } from '../auth/index.js';
import { SESSION_ID_PATTERN } from '../events.js';
import { decodeSessionCursor, encodeSessionCursor, keysetPage, TIMELINE_DEFAULT, timelineQuerySchema } from '../http/index.js';
import { getSession, holdsOnSession, listFlowTypes, listSessions, sessionTimeline } from '../store/index.js';
import { ComparePage, type Side } from './compare-page.js';
import { cursorOf } from './cursor-of.js';
import { MessagePage } from './message-page.js';
import { parsePageFilters, storeFilters } from './page-filters.js';
import { sessionStory } from './session-detail.js';
import { integrityOf } from './session-integrity.js';
import { SessionPage } from './session-page.js';
import { SessionsPage } from './sessions-page.js';
import { canSeeSession, sessionNotFound, signedIn } from './signed-in.js';

const PAGE = 20;

/** /-/duo/sessions (the list), /-/duo/sessions/compare and /-/duo/sessions/:id (one session, its timeline paged). */
export function createSessionRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/-/duo/sessions', async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    const { filters, error } = parsePageFilters(c.req.query(), ['project', 'flow_type', 'status', 'from', 'to', 'cursor']);
    const everyone = who.principal.username === null && can(who.principal.role, 'read_all');
    const owner = everyone ? undefined : (who.principal.username ?? '\u0000');
    const [rows, flowTypes] = await Promise.all([
      listSessions(deps.sql, { ...storeFilters(filters), username: owner }, PAGE + 1, cursorOf(filters.cursor, decodeSessionCursor)),
      listFlowTypes(deps.sql, owner),
    ]);
    const { page, next } = keysetPage(rows, PAGE, encodeSessionCursor);
    return c.html(<SessionsPage who={who} sessions={page.map(sessionView)} filters={filters} error={error} next={next} everyone={everyone} flowTypes={flowTypes} />, error === null ? 200 : 400);
  });

  const side = async (who: SignedIn, id: string): Promise<Side | null> => {
    const s = SESSION_ID_PATTERN.test(id) ? await getSession(deps.sql, id) : null;
    if (!canSeeSession(who, s)) return null;
    const [{ events }, first] = await Promise.all([sessionDetails(deps.sql, id), sessionTimeline(deps.sql, id, TIMELINE_DEFAULT)]);
    const integrity = await integrityOf(deps.sql, first ?? [], deps.verifiers);
    return { session: sessionView(s), story: sessionStory(events), resources: resourcesOf(events), integrity };
  };

  app.get('/-/duo/sessions/compare', async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    // The list's checkboxes send s=<id> for each ticked session; the form on this page sends a and b.
    const ticked = c.req.queries('s') ?? [];
    if (ticked.length > 0 && ticked.length !== 2) {
      return c.html(<ComparePage who={who} a={null} b={null} aId={ticked[0] ?? ''} bId="" error={`Tick exactly two sessions to compare (you ticked ${ticked.length}).`} />, 400);
    }
    const aId = (ticked[0] ?? c.req.query('a') ?? '').trim().slice(0, 512);
    const bId = (ticked[1] ?? c.req.query('b') ?? '').trim().slice(0, 512);
    if (aId === '' || bId === '') return c.html(<ComparePage who={who} a={null} b={null} aId={aId} bId={bId} error={null} />);
    const [a, b] = await Promise.all([side(who, aId), side(who, bId)]);
    const missing = [a === null ? aId : null, b === null ? bId : null].filter((x) => x !== null);
    const error = missing.length > 0 ? `No session ${missing.map((m) => m.slice(0, 128)).join(' or ')} that you may see.` : null;
    return c.html(<ComparePage who={who} a={a} b={b} aId={aId} bId={bId} error={error} />, error === null ? 200 : 404);
  });

  app.get('/-/duo/sessions/:id', async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    const id = c.req.param('id');
    // An id no session can have (a NUL, which PostgreSQL refuses, among others) is not looked up.
    const s = SESSION_ID_PATTERN.test(id) ? await getSession(deps.sql, id) : null;
    if (!canSeeSession(who, s)) return sessionNotFound(c, who, id);
    const q = timelineQuerySchema.safeParse({ timeline_after: c.req.query('timeline_after'), timeline_limit: c.req.query('timeline_limit') });
    const bad = (message: string) => c.html(<MessagePage who={who} title="Not a page of this timeline" message={message} />, 400);
    if (!q.success) return bad(q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const [rows, details, holds] = await Promise.all([
      sessionTimeline(deps.sql, id, q.data.timeline_limit + 1, q.data.timeline_after), sessionDetails(deps.sql, id),
      holdsOnSession(deps.sql, { sessionId: s.sessionId, username: s.username, projectPath: s.projectPath }),
    ]);
    if (rows === null) return bad(`timeline_after: ${q.data.timeline_after} is not the seq of an event of session ${id.slice(0, 128)}.`);
    const { page, next } = keysetPage(rows, q.data.timeline_limit, (last) => String(last.seq));
    // The integrity box checks the events this page shows.
    const integrity = await integrityOf(deps.sql, page, deps.verifiers);
    const timeline = { events: viewEvents(page), next: next === null ? null : Number(next), first: q.data.timeline_after === undefined, limit: q.data.timeline_limit };
    return c.html(<SessionPage who={who} session={sessionView(s)} story={sessionStory(details.events)} resources={resourcesOf(details.events)} complete={details.complete} timeline={timeline} integrity={integrity} marks={details.events} holds={holds.map(holdView)} />);
  });
  return app;
}
