export { createMetricsApp, createOpsApp } from './ops-app.js';
