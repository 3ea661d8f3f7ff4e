import { AppError } from '../errors.js';

/** A failed GitLab API call: method, path and status, never headers or tokens. */
export class GitlabError extends AppError {
  readonly method: string;
  readonly path: string;
  readonly httpStatus: number | null;
  /** Seconds GitLab asked to wait (429 Retry-After), when it said. */
  readonly retryAfter: number | null;

  constructor(method: string, path: string, httpStatus: number | null, message: string, options: { cause?: unknown; retryAfter?: number | null } = {}) {
    super('upstream', `GitLab ${method} ${path} ${httpStatus === null ? 'failed' : `answered ${httpStatus}`}: ${message}`, { cause: options.cause });
    this.name = 'GitlabError';
    this.method = method;
    this.path = path;
    this.httpStatus = httpStatus;
    this.retryAfter = options.retryAfter ?? null;
  }
}
