export { createFlowEventsApp, type Rejection } from './flow-events-app.js';
export { createAuditStreamApp } from './audit-stream-app.js';
export { createWebhookApp, DELIVERY_JOB } from './webhook-app.js';
export { verifyWebhookSignature } from './verify-webhook-signature.js';
export { mapAuditEvent, type MappedAudit, type FindRunningSession } from './map-audit-event.js';
export { validateFlowEvent } from './validate-flow-event.js';
export { parseEventBody, MAX_EVENTS_PER_REQUEST } from './parse-body.js';
export { sanitizeEvent } from './sanitize-event.js';
export { safeEqual } from './safe-equal.js';
