import type { AppDeps } from '../app-env.js';
import { exportEvents, type ExportOptions } from '../audit/index.js';

const CONTENT_TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv; charset=utf-8', cef: 'text/plain; charset=utf-8', ocsf: 'application/x-ndjson' } as const;
const EXTENSIONS = { ndjson: 'ndjson', csv: 'csv', cef: 'cef', ocsf: 'ocsf.ndjson' } as const;

/**
 * The matching events as a download, streamed: the export is recorded
 * (audit_export_performed) before the answer starts. One function for the
 * REST export and the pages' export form.
 */
export async function exportResponse(deps: Pick<AppDeps, 'sql' | 'log' | 'sanitizer'>, o: Omit<ExportOptions, 'sanitizer'>): Promise<Response> {
  const chunks = exportEvents(deps.sql, { ...o, sanitizer: deps.sanitizer });
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
  return new Response(body, {
    headers: {
      'content-type': CONTENT_TYPES[o.format],
      'content-disposition': `attachment; filename="flowtrail-export.${EXTENSIONS[o.format]}"`,
      'cache-control': 'no-store',
    },
  });
}
