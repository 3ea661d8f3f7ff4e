import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { viewEvents } from '../audit/index.js';
import { can } from '../auth/index.js';
import { listEvents, type EventFilters } from '../store/index.js';
import { decodeCursor, encodeCursor, eventQuerySchema, parseQuery } from './query.js';
import { requirePermission } from './require-permission.js';
import type { z } from 'zod';
import type { Principal } from '../auth/index.js';
import { AppError } from '../errors.js';

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Turns the shared event query into store filters, pinning a `user` token to its own sessions. */
export function eventFilters(q: Omit<z.infer<typeof eventQuerySchema>, 'limit' | 'cursor'>, p: Principal): EventFilters {
  const f: EventFilters = { sessionId: q.session_id, type: q.type, username: q.user, project: q.project, from: q.from, to: q.to };
  if (!can(p.role, 'read_all')) {
    if (q.user !== undefined && q.user !== p.username) throw new AppError('forbidden', 'a user token sees only its own sessions');
    f.ownerUsername = p.username ?? '\u0000';
  }
  return f;
}

/** GET /api/v1/audit-events: the log, newest first, filtered; keyset cursor on seq. */
export function createAuditEventsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'read'), async (c) => {
    const q = parseQuery(eventQuerySchema, c.req.query());
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor, isSeq);
    const rows = await listEvents(deps.sql, eventFilters(q, c.get('principal')), q.limit + 1, before === undefined ? undefined : { before });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json({
      events: viewEvents(page),
      next_cursor: rows.length > q.limit && last !== undefined ? encodeCursor(last.seq) : null,
    });
  });
  return app;
}
