export { createMetrics, type Metrics } from './metrics.js';
export { createOpsApp } from './ops-app.js';
