export { createIntegrator, systemEvent, LOG_LOCK, type Integrator, type IntegratorOptions } from './integrator.js';
export { createLogWriter, type LogWriter } from './log-writer.js';
