import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/**
 * pino, with every header or field that can carry a credential redacted, and
 * errors reduced to name, message and stack (a PostgresError's parameters can
 * hold request data).
 */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', 'headers', '*.headers', 'req.headers', 'password', '*.password'],
        censor: '[REDACTED]',
      },
      serializers: {
        err: (e: unknown) => (e instanceof Error ? { type: e.name, message: e.message, stack: e.stack } : e),
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
