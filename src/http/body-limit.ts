import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';

/** The page forms' body limit (sign-in, sign-out, the dashboard's export): a form is a few hundred bytes. */
export const MAX_FORM_BYTES = 64 * 1024;

const tooLarge = (maxBytes: number): AppError =>
  new AppError('too_large', `the request body is over the limit of ${maxBytes} bytes (FLOWTRAIL_MAX_BODY_BYTES)`);

/**
 * Refuses bodies over the limit with 413, never reading more than the limit.
 * `maxBytes` is a number or a function of the path (one middleware in front
 * of every route, see src/app.ts). A body with a Content-Length (and no
 * Transfer-Encoding) is judged by that header alone, before anything runs and
 * without touching `c.req.raw.body`: on @hono/node-server that keeps the
 * request lightweight, its `text()` then reading the socket directly instead
 * of building a web Request, an AbortSignal and a ReadableStream (about a
 * third of a webhook's CPU time when profiled). Node's HTTP parser never
 * passes more bytes than the Content-Length. Other bodies (chunked) are
 * counted as the handler reads them and cut at the limit: reading fails, and
 * whatever the handler made of that failure, the answer is 413. A handler
 * that never reads its body (or refuses the request first) never has it
 * read; @hono/node-server discards what is left after the answer.
 */
export function limitBody(maxBytes: number | ((path: string) => number)): MiddlewareHandler<AppEnv> {
  return async function limitBody(c, next) {
    const max = typeof maxBytes === 'number' ? maxBytes : maxBytes(c.req.path);
    const length = c.req.header('content-length');
    const chunked = c.req.header('transfer-encoding') !== undefined;
    if (length !== undefined && !chunked) {
      if (!/^\d{1,15}$/.test(length.trim()) || Number(length) > max) throw tooLarge(max);
      return next();
    }
    // A GET or HEAD has no body a handler could read (node-server gives it none).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const exceeded = countBody(c, max);
    await next();
    if (exceeded()) throw tooLarge(max);
  };
}

/** Replaces the request's body with one that fails past `max` bytes; returns whether it did. */
function countBody(c: Context<AppEnv>, max: number): () => boolean {
  const source = c.req.raw.body;
  if (source === null) return () => false;
  let seen = 0;
  let over = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const counted = new ReadableStream<Uint8Array>({
    async pull(controller) {
      reader ??= source.getReader();
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      seen += value.byteLength;
      if (seen > max) {
        over = true;
        // Stop here without cancelling the source: cancelling would close the socket before the 413 is sent.
        reader.releaseLock();
        controller.error(tooLarge(max));
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader === undefined ? source.cancel(reason) : reader.cancel(reason);
    },
  });
  c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
  return () => over;
}
