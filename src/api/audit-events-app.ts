import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { viewEvents } from '../audit/index.js';
import { AppError } from '../errors.js';
import { listEvents } from '../store/index.js';
import { decodeCursor, encodeCursor, eventFilters, eventQuerySchema, parseQuery, requirePermission } from '../http/index.js';

const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * GET /api/v1/audit-events: the log, filtered. Newest first with a keyset
 * cursor on seq; or with order=asc oldest first from after_seq (a SIEM's
 * incremental pull), answering the next_after_seq to ask for next.
 */
export function createAuditEventsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'read'), async (c) => {
    const q = parseQuery(eventQuerySchema, c.req.query());
    const filters = eventFilters(q, c.get('principal'));
    if (q.order === 'asc') {
      if (q.cursor !== undefined) throw new AppError('invalid', 'cursor: pages newest first; with order=asc page with after_seq');
      // The log's first seq is 0: without after_seq the pull starts before it.
      const rows = await listEvents(deps.sql, filters, q.limit + 1, { after: q.after_seq ?? -1 });
      const page = rows.slice(0, q.limit);
      return c.json({
        events: viewEvents(page),
        next_after_seq: page[page.length - 1]?.seq ?? q.after_seq ?? null,
        has_more: rows.length > q.limit,
      });
    }
    if (q.after_seq !== undefined) throw new AppError('invalid', 'after_seq: only with order=asc');
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor, isSeq);
    const rows = await listEvents(deps.sql, filters, q.limit + 1, before === undefined ? undefined : { before });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json({
      events: viewEvents(page),
      next_cursor: rows.length > q.limit && last !== undefined ? encodeCursor(last.seq) : null,
    });
  });
  return app;
}
