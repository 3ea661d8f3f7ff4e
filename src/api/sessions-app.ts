import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { resourcesOf, sessionView, viewEvents } from '../audit/index.js';
import { can } from '../auth/index.js';
import { AppError } from '../errors.js';
import { getSession, listSessions, sessionEvents } from '../store/index.js';
import { decodeSessionCursor, encodeSessionCursor, keysetPage, parseQuery, sessionQuerySchema } from './query.js';
import { requirePermission } from './require-permission.js';

/** GET /api/v1/sessions and /api/v1/sessions/:id. A `user` token sees only the sessions it initiated. */
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
      { username, project: q.project, flowType: q.flow_type, status: q.status, from: q.from, to: q.to },
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
    const p = c.get('principal');
    const s = await getSession(deps.sql, id);
    // Another user's session answers exactly like a missing one.
    if (s === null || (!can(p.role, 'read_all') && s.username !== p.username)) {
      throw new AppError('not_found', `no session ${id.slice(0, 128)}`);
    }
    const timeline = viewEvents(await sessionEvents(deps.sql, id));
    return c.json({ session: sessionView(s), resources: resourcesOf(timeline), timeline });
  });
  return app;
}
