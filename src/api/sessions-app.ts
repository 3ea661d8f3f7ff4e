import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { resourcesOf, sessionDetails, sessionView, viewEvents } from '../audit/index.js';
import { can } from '../auth/index.js';
import { AppError } from '../errors.js';
import { SESSION_ID_PATTERN } from '../events.js';
import { getSession, listSessions, sessionTimeline } from '../store/index.js';
import { decodeSessionCursor, encodeSessionCursor, keysetPage, parseQuery, requirePermission, sessionQuerySchema, timelineQuerySchema } from '../http/index.js';

/**
 * GET /api/v1/sessions and /api/v1/sessions/:id. A `user` token sees only the
 * sessions it initiated (also when asking which session made a commit or
 * merge request: commit_sha, merge_request). A session's timeline comes a page at a time
 * (timeline_limit, timeline_after); its resources are the first DETAIL_LIMIT.
 */
export function createSessionsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requirePermission(deps, 'read'));

  app.get('/', async (c) => {
    const q = parseQuery(sessionQuerySchema, c.req.query());
    const p = c.get('principal');
    let username = q.user;
    if (!can(p.role, 'read_all')) {
      if (username !== undefined && username !== p.username) throw new AppError('forbidden', 'a user token sees only its own sessions');
      username = p.username ?? '\u0000';
    }
    const after = q.cursor === undefined ? undefined : decodeSessionCursor(q.cursor);
    const rows = await listSessions(
      deps.sql,
      { username, project: q.project, flowType: q.flow_type, status: q.status, from: q.from, to: q.to, commitSha: q.commit_sha, mergeRequest: q.merge_request },
      q.limit + 1,
      after,
    );
    const { page, next } = keysetPage(rows, q.limit, encodeSessionCursor);
    return c.json({
      sessions: page.map(sessionView),
      next_cursor: next,
    });
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const q = parseQuery(timelineQuerySchema, c.req.query());
    const p = c.get('principal');
    // An id no session can have (a NUL, which PostgreSQL refuses, among others) is not looked up.
    const s = SESSION_ID_PATTERN.test(id) ? await getSession(deps.sql, id) : null;
    // Another user's session answers exactly like a missing one.
    if (s === null || (!can(p.role, 'read_all') && s.username !== p.username)) {
      throw new AppError('not_found', `no session ${id.slice(0, 128)}`);
    }
    const [rows, details] = await Promise.all([sessionTimeline(deps.sql, id, q.timeline_limit + 1, q.timeline_after), sessionDetails(deps.sql, id)]);
    if (rows === null) throw new AppError('invalid', `timeline_after: ${q.timeline_after} is not the seq of an event of session ${id.slice(0, 128)}`);
    const { page, next } = keysetPage(rows, q.timeline_limit, (last) => String(last.seq));
    return c.json({
      session: sessionView(s),
      resources: resourcesOf(details.events),
      resources_complete: details.complete.resources,
      timeline: viewEvents(page),
      timeline_next: next === null ? null : Number(next),
    });
  });
  return app;
}
