export { createMetrics, type Metrics } from './metrics.js';
export { createMetricsApp, createOpsApp } from './ops-app.js';
