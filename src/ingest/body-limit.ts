import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';

/**
 * Refuses bodies over the limit with 413 before reading them whole. A body
 * with a Content-Length (and no Transfer-Encoding) is judged by that header
 * alone, without touching `c.req.raw.body`: on @hono/node-server that keeps
 * the request lightweight, its `text()` then reading the socket directly
 * instead of building a web Request, an AbortSignal and a ReadableStream
 * (about a third of a webhook's CPU time when profiled). Node's HTTP parser
 * never passes more bytes than the Content-Length. Other bodies (chunked) are
 * counted as they stream, by Hono's bodyLimit.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (): never => {
    throw new AppError('too_large', `the request body is over the limit of ${maxBytes} bytes (FLOWTRAIL_MAX_BODY_BYTES)`);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async function limitBody(c, next) {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (!/^\d{1,15}$/.test(length.trim()) || Number(length) > maxBytes) tooLarge();
    await next();
  };
}
