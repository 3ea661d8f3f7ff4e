// One error class for the whole service; each edge translates its own failures
// into it, and only app.onError turns a code into an HTTP status.
export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'upstream'
  | 'unavailable';

const statusByCode: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  upstream: 502,
  unavailable: 503,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; status?: number; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options?.status ?? statusByCode[code];
    this.details = options?.details;
  }
}

export function toStatus(code: ErrorCode): number {
  return statusByCode[code];
}

/** Whether `code` is one of the codes above (an error answer's `error` field, read back by the CLI). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(statusByCode, code);
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Normalise anything thrown into an Error (graphile/worker's coerceError). */
export function coerceError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (typeof err === 'string') return new Error(err);
  return new Error(`Non-Error thrown: ${String(err)}`);
}
