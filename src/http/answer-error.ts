import type { Context } from 'hono';
import type { Logger } from 'pino';
import { isAppError } from '../errors.js';
import { isDatabaseUnavailable } from '../store/index.js';

/** Seconds a client is asked to wait before it retries a 503 (GitLab and agents retry; the database is usually back within seconds). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The one mapping of a thrown error to an HTTP answer: an AppError answers
 * with its code's status and message; anything else is logged without
 * parameters or payloads (those may hold secrets) and answers 500. A
 * database that cannot be reached answers 503 with Retry-After: nothing was
 * stored or acknowledged, and the sender tries again.
 */
export function answerError(log: Logger, what: string): (err: Error, c: Context) => Response {
  return function answerError(err, c) {
    if (isAppError(err) && err.status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    if (isAppError(err)) return c.json({ error: err.code, message: err.message }, err.status as 400);
    if (isDatabaseUnavailable(err)) {
      log.warn({ err: { name: err.name, message: err.message } }, `${what}: the database is unavailable`);
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.json({ error: 'unavailable', message: 'the database is unavailable; nothing was stored, try again later' }, 503);
    }
    log.error({ err: { name: err.name, message: err.message, stack: err.stack } }, what);
    return c.json({ error: 'internal', message: 'the request failed; see the service log' }, 500);
  };
}
