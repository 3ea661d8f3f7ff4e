export { createFlowEventsApp, type Rejection } from './flow-events-app.js';
export { createAuditStreamApp } from './audit-stream-app.js';
export { createWebhookApp } from './webhook-app.js';
export { createOtlpTracesApp } from './otlp-traces-app.js';
export { DELIVERY_JOB } from '../jobs/index.js';
export { verifyWebhookSignature } from './verify-webhook-signature.js';
export { mapAuditEvent, type MappedAudit, type FindRunningSession, type AuditLookups } from './map-audit-event.js';
export { validateFlowEvent } from './validate-flow-event.js';
export { parseEventBody, MAX_EVENTS_PER_REQUEST } from './parse-body.js';
