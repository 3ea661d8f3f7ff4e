export { createIntegrator, type Integrator, type IntegratorOptions } from './integrator.js';
export { appendEvents, VERIFY_AUTHORIZATION_JOB, ARCHIVE_SESSION_JOB, type AppendResult, type CheckpointPolicy } from './append-events.js';
export { createLogWriter, type LogWriter } from './log-writer.js';
export { createGroupCommit, type GroupCommitOptions } from './group-commit.js';
export { systemEvent } from './system-event.js';
export { writeCheckpointToSinks } from './checkpoint-sinks.js';
export { openLog, type OpenLog } from './open-log.js';
