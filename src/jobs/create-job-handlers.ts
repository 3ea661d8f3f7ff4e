import type { Config } from '../config.js';
import type { GitlabClient } from '../gitlab/index.js';
import type { Sanitizer } from '../sanitize/index.js';
import type { Sql } from '../store/index.js';
import { ARCHIVE_SESSION_JOB, VERIFY_AUTHORIZATION_JOB } from '../log/index.js';
import { createArchiveHandler } from './archive-session.js';
import { createDeliveryHandler, DELIVERY_JOB } from './handle-delivery.js';
import type { Integrator } from '../log/index.js';
import type { JobHandler } from './job-runner.js';
import { createAuthorizationHandler } from './verify-authorization.js';
import { createWriteBackHandler, WRITE_BACK_JOB } from './write-back.js';

/** Every job the worker runs, by name: the one table the service and its tests share. */
export function createJobHandlers(deps: { config: Config; sql: Sql; integrator: Integrator; sanitizer: Sanitizer; gitlab: GitlabClient | null }): Record<string, JobHandler> {
  const { config, sql, integrator, sanitizer, gitlab } = deps;
  return {
    [DELIVERY_JOB]: createDeliveryHandler({ sql, integrator, agentPatterns: config.gitlab.agentUsernames, gitlab }),
    [VERIFY_AUTHORIZATION_JOB]: createAuthorizationHandler({ sql, integrator, gitlab }),
    [ARCHIVE_SESSION_JOB]: createArchiveHandler({ sql, integrator, gitlab, sanitizer }),
    [WRITE_BACK_JOB]: createWriteBackHandler({ sql, integrator, gitlab, publicUrl: config.http.publicUrl }),
  };
}
