import { bodyLimit } from 'hono/body-limit';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';

/** Refuses bodies over the limit with 413 before reading them whole. */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('too_large', `the request body is over the limit of ${maxBytes} bytes (FLOWTRAIL_MAX_BODY_BYTES)`);
    },
  });
}
