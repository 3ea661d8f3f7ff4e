export { createAuditEventsApp } from './audit-events-app.js';
export { createErasuresApp } from './erasures-app.js';
export { createExportApp } from './export-app.js';
export { createIntegrityApp } from './integrity-app.js';
export { createJobsApp } from './jobs-app.js';
export { createPushChecksApp, MAX_PUSH_CHECK_BYTES } from './push-checks-app.js';
export { createRetentionApp } from './retention-app.js';
export { createSessionsApp } from './sessions-app.js';
export { createTokensApp } from './tokens-app.js';
