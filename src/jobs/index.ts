export { createIntegrator, type Integrator, type IntegratorOptions } from './integrator.js';
export { appendEvents, LOG_LOCK, VERIFY_AUTHORIZATION_JOB, ARCHIVE_SESSION_JOB, type AppendResult, type CheckpointPolicy } from './append-events.js';
export { createArchiveHandler } from './archive-session.js';
export { createAuthorizationHandler } from './verify-authorization.js';
export { createLogWriter, type LogWriter } from './log-writer.js';
export { systemEvent } from './system-event.js';
export { JobRunner, backoffDelay, type JobHandler, type JobRunnerOptions } from './job-runner.js';
export { createDeliveryHandler } from './handle-delivery.js';
export { createWriteBackHandler, footerFor, marker, WRITE_BACK_JOB } from './write-back.js';
