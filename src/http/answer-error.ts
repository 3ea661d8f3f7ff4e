import type { Context } from 'hono';
import type { Logger } from 'pino';
import { isAppError } from '../errors.js';

/**
 * The one mapping of a thrown error to an HTTP answer: an AppError answers
 * with its code's status and message; anything else is logged without
 * parameters or payloads (those may hold secrets) and answers 500.
 */
export function answerError(log: Logger, what: string): (err: Error, c: Context) => Response {
  return function answerError(err, c) {
    if (isAppError(err)) return c.json({ error: err.code, message: err.message }, err.status as 400);
    log.error({ err: { name: err.name, message: err.message, stack: err.stack } }, what);
    return c.json({ error: 'internal', message: 'the request failed; see the service log' }, 500);
  };
}
