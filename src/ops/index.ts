export { createMetricsApp, createOpsApp } from './ops-app.js';
export { createRequestDrain, type RequestDrain } from './create-request-drain.js';
