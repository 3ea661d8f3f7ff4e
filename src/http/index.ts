export { limitBody, MAX_FORM_BYTES } from './body-limit.js';
export { requirePermission } from './require-permission.js';
export { safeEqual } from './safe-equal.js';
export { answerError } from './answer-error.js';
export {
  dateSchema, sessionQuerySchema, eventQuerySchema, timelineQuerySchema, TIMELINE_MAX, TIMELINE_DEFAULT,
  parseQuery, encodeCursor, decodeCursor, encodeSessionCursor, decodeSessionCursor, keysetPage,
} from './query.js';
export { eventFilters } from './event-filters.js';
export { commitShaSchema, mergeRequestRefSchema, parseResourceArg, SHA_PREFIX_MIN, type MergeRequestRef } from './resource-filters.js';
export { exportResponse } from './export-response.js';
export { exportQuerySchema } from './export-query-schema.js';
export { erasureSchema } from './erasure-schema.js';
export { jobsQuerySchema } from './jobs-query-schema.js';
export { tokenCreateSchema } from './token-create-schema.js';
export { pushCheckRequestSchema } from './push-check-request-schema.js';
export { graphqlRequestSchema } from './graphql-request-schema.js';
export { findUnstorable, describeUnstorable, formatPath, replaceLoneSurrogates, LONE_SURROGATE, type Unstorable, type JsonPath } from './find-unstorable.js';
export { eventTimeProblem, EARLIEST_EVENT_TIME, FUTURE_TOLERANCE_MS } from './event-time.js';
export { usageQuerySchema, usageWindow, USAGE_MAX_DAYS, USAGE_DEFAULT_DAYS } from './usage-query-schema.js';
export { reportQuerySchema } from './report-query-schema.js';
export { witnessCheckSchema } from './witness-check-schema.js';
export { parseJsonBody } from './parse-json-body.js';
export { legalHoldSchema, holdReleaseSchema, retentionRuleSchema } from './legal-hold-schema.js';
export type { PageFrame } from './page-frame.js';
export { alertsQuerySchema, alertActionSchema } from './alert-schemas.js';
