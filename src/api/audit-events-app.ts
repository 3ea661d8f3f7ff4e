import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { viewEvents } from '../audit/index.js';
import { listEvents } from '../store/index.js';
import { decodeCursor, encodeCursor, eventFilters, eventQuerySchema, parseQuery, requirePermission } from '../http/index.js';

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

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
