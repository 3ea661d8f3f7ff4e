import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps, AppEnv } from '../app-env.js';
import { buildBundle, EXPORT_FORMATS, exportEvents } from '../audit/index.js';
import { eventFilters } from './audit-events-app.js';
import { eventQuerySchema, parseQuery } from './query.js';
import { requirePermission } from './require-permission.js';

export const exportQuerySchema = eventQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(EXPORT_FORMATS).default('ndjson'),
  bundle: z.enum(['true', 'false']).optional(),
});

const CONTENT_TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv; charset=utf-8', cef: 'text/plain; charset=utf-8', ocsf: 'application/x-ndjson' } as const;

/**
 * GET /api/v1/export: the matching events, streamed (ndjson or csv), or with
 * bundle=true a JSON bundle with inclusion proofs that `flowtrail verify
 * --bundle` checks offline. A `user` token exports only its own sessions.
 */
export function createExportApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'read'), async (c) => {
    const q = parseQuery(exportQuerySchema, c.req.query());
    const p = c.get('principal');
    const filters = eventFilters(q, p);
    const actor = { id: p.tokenId, role: p.role, username: p.username };
    if (q.bundle === 'true') {
      return c.json(await buildBundle(deps.sql, { filters, actor, channel: 'api', origin: deps.origin, verifierKey: deps.verifiers[0]?.verifierKey }));
    }
    const chunks = exportEvents(deps.sql, { format: q.format, filters, actor, channel: 'api' });
    const first = await chunks.next(); // records the export before answering
    const log = deps.log;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (first.done !== true) controller.enqueue(new TextEncoder().encode(first.value));
      },
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done === true) controller.close();
          else controller.enqueue(new TextEncoder().encode(next.value));
        } catch (err) {
          log.error({ err: { message: err instanceof Error ? err.message : 'error' } }, 'export stream failed');
          controller.error(err);
        }
      },
    });
    const ext = { ndjson: 'ndjson', csv: 'csv', cef: 'cef', ocsf: 'ocsf.ndjson' }[q.format];
    return new Response(body, {
      headers: {
        'content-type': CONTENT_TYPES[q.format],
        'content-disposition': `attachment; filename="flowtrail-export.${ext}"`,
        'cache-control': 'no-store',
      },
    });
  });
  return app;
}
