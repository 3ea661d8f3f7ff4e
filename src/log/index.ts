export { createIntegrator, type Integrator, type IntegratorOptions } from './integrator.js';
export { appendEvents, VERIFY_AUTHORIZATION_JOB, ARCHIVE_SESSION_JOB, type AppendResult, type CheckpointPolicy } from './append-events.js';
export { createLogWriter, type LogWriter } from './log-writer.js';
export { createGroupCommit, type GroupCommitOptions } from './group-commit.js';
export { systemEvent } from './system-event.js';
export { openLog, type OpenLog, type OpenLogHooks } from './open-log.js';
export { createWitness, checkpointFileName, type Witness, type WitnessedCheckpoint } from './checkpoint-witness.js';
export { createWitnessPublisher, type WitnessPublisher } from './witness-publisher.js';
