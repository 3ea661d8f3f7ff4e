import { z } from 'zod';
import { alertActionSchema, alertsQuerySchema, erasureSchema, eventQuerySchema, exportQuerySchema, holdReleaseSchema, jobsQuerySchema, legalHoldSchema, pushCheckRequestSchema, reportQuerySchema, retentionRuleSchema, sessionQuerySchema, timelineQuerySchema, tokenCreateSchema, usageQuerySchema, witnessCheckSchema } from '../http/index.js';
import type { Permission } from '../auth/index.js';
import { catalog, envelopeSchema, eventNames } from '../events.js';
import { graphqlRequestSchema } from '../http/index.js';
import { destinationCreateSchema, destinationUpdateSchema } from '../stream/index.js';

/** How a caller proves who it is: an API token with a permission, a webhook secret, or nothing. */
export type Guard = { permission: Permission } | { webhook: 'gitlab' | 'audit-stream' } | { public: true };

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, `{param}` style. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  guard: Guard;
  pathParams?: Record<string, string>;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; types: string[]; optional?: true };
  /** Status → what the answer holds, and the media types of its body. */
  responses: Record<number, { description: string; types?: string[] }>;
}

// The flow events the API takes: the envelope plus each ingestable type's own fields, from the catalog.
const ingestable = eventNames.filter((n) => catalog[n].ingestable);
const flowEvent = z.union(ingestable.map((n) => z.intersection(envelopeSchema.extend({ type: z.literal(n) }), catalog[n].schema).describe(catalog[n].description)));
const flowEventsBody = z.union([flowEvent, z.array(flowEvent).max(10_000)]);

// Bodies and parameters that these handlers read without a zod schema, described here only.
const verifyBody = z.object({ keys: z.array(z.string()).optional().describe('Verifier keys (name+hash+key) to check the checkpoints against instead of the service\'s own.') });
const verifyQuery = z.object({ deep: z.enum(['true', 'false']).optional().describe('Also recompute every leaf from the stored texts.') });

const JSON_TYPE = ['application/json'];
const GRAPHQL_TYPES = ['application/graphql-response+json', 'application/json'];
const ok = (description: string, types = JSON_TYPE) => ({ description, types });
const err = (description: string) => ({ description, types: JSON_TYPE });
const auth = { 401: err('No valid token.'), 403: err('The role may not do this.') };
const read = { 400: err('A query parameter is unknown or invalid.'), ...auth };
const write = { 400: err('The body is not valid.'), 401: err('No valid token.'), 403: err('The role may not do this.'), 413: err('The body is over the limit.') };

const UNAVAILABLE = err('The database is unavailable or the service is shutting down: nothing was stored; retry after Retry-After seconds.');

export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post', path: '/api/v1/flow-events', tag: 'Ingest', summary: 'Post flow events', guard: { permission: 'ingest' },
    description: 'One event, a JSON array, or NDJSON. Each event is validated and sanitized on its own; valid ones are committed to the log before the answer.',
    body: { schema: flowEventsBody, types: ['application/json', 'application/x-ndjson'] },
    responses: { 202: ok('{accepted, duplicates, rejected: [{index, event_id?, error}]}'), ...write, 503: UNAVAILABLE },
  },
  {
    method: 'post', path: '/webhooks/gitlab/audit-events', tag: 'Ingest', summary: 'GitLab audit event streaming destination', guard: { webhook: 'audit-stream' },
    description: 'Parsed as JSON whatever the Content-Type (GitLab sends form-urlencoded by default). One event or an array.',
    body: { schema: z.unknown(), types: ['application/json', 'application/x-www-form-urlencoded'] },
    responses: { 200: ok('{accepted, duplicates, rejected}'), 400: err('No event in the request was valid.'), 401: err('X-Gitlab-Event-Streaming-Token missing or wrong.'), 413: err('The body is over the limit.'), 503: UNAVAILABLE },
  },
  {
    method: 'post', path: '/webhooks/gitlab', tag: 'Ingest', summary: 'GitLab project, group and system webhooks; Duo flow callbacks', guard: { webhook: 'gitlab' },
    description: 'Stored durably before the answer and processed by the worker. Deduplicated on Idempotency-Key, else webhook-id, else X-Gitlab-Event-UUID, each with its header name, X-Gitlab-Event and a hash of the body (a reused id with another body is a delivery of its own).',
    body: { schema: z.unknown(), types: JSON_TYPE },
    responses: { 200: ok('{status: stored | duplicate}'), 401: err('X-Gitlab-Token (or webhook-signature) missing or wrong.'), 413: err('The body is over the limit.'), 400: err('The body is nested deeper than 64 levels.'), 503: err('The database is unavailable or the service is shutting down (Retry-After), or the delivery could not be sanitized; nothing was stored and GitLab retries.') },
  },
  {
    method: 'post', path: '/v1/traces', tag: 'Ingest', summary: 'OTLP/HTTP traces: OpenTelemetry GenAI spans', guard: { permission: 'ingest' },
    description: 'An ExportTraceServiceRequest in protobuf or OTLP/JSON, gzip or not (Content-Encoding). gen_ai spans become sessions and events with source otlp (docs/otel.md); other spans are accepted and not recorded. Committed to the log before the answer.',
    body: { schema: z.unknown(), types: ['application/x-protobuf', 'application/json'] },
    responses: {
      200: ok('ExportTraceServiceResponse in the request\'s encoding: empty, or partialSuccess {rejectedSpans, errorMessage} naming the spans refused and why.', ['application/x-protobuf', 'application/json']),
      ...write, 415: err('Content-Type is not application/x-protobuf or application/json, or Content-Encoding is not gzip.'), 503: UNAVAILABLE,
    },
  },
  {
    method: 'post', path: '/api/v1/push-checks', tag: 'Ingest', summary: "The pre-receive hook's check of one push", guard: { permission: 'ingest' },
    body: { schema: pushCheckRequestSchema, types: JSON_TYPE },
    responses: { 200: ok('{decision, commits, agent_commits, sessions, findings, event_id?}'), ...write },
  },
  {
    method: 'get', path: '/api/v1/sessions', tag: 'Read', summary: 'List sessions', guard: { permission: 'read' },
    description: 'Newest first; keyset paging with `cursor` (next_cursor of the previous page). A user token sees only the sessions it initiated.',
    query: sessionQuerySchema, responses: { 200: ok('{sessions: [...], next_cursor}'), ...read },
  },
  {
    method: 'get', path: '/api/v1/sessions/{id}', tag: 'Read', summary: 'One session with its resources and a page of its timeline', guard: { permission: 'read' },
    description: 'The timeline in occurred_at order (then seq), timeline_limit events (1-1000, default 500) after the event timeline_after (the timeline_next of the previous page; null on the last page). At most the first 1000 resources; resources_complete is false when there are more.',
    pathParams: { id: 'The session id.' },
    query: timelineQuerySchema,
    responses: { 200: ok('{session, resources, resources_complete, timeline, timeline_next}'), 400: err('timeline_limit or timeline_after is invalid, or timeline_after is not an event of this session.'), 401: err('No valid token.'), 403: err('The role may not do this.'), 404: err('No such session, or not yours to see.') },
  },
  {
    method: 'get', path: '/api/v1/usage', tag: 'Read', summary: 'Usage: sessions, outcomes, resources produced and tokens, by group, project, user or flow type', guard: { permission: 'read' },
    description: 'Sessions that started in [from, to) (default: the 30 days up to now; at most 366 days), grouped by group_by. Each row and the totals hold sessions, completed, failed, stopped, unfinished, commits, merge_requests, notes, merge_requests_merged, input_tokens and output_tokens; per_day holds sessions per UTC day and status. format=csv gives the rows only. A user token sees only the sessions it initiated.',
    query: usageQuerySchema, responses: { 200: ok('{from, to, group_by, totals, rows: [{key, ...}], per_day: [{day, status, sessions}]}; text/csv with format=csv', ['application/json', 'text/csv']), ...read },
  },
  {
    method: 'get', path: '/api/v1/audit-events', tag: 'Read', summary: 'The audit log, newest first', guard: { permission: 'read' },
    query: eventQuerySchema, responses: { 200: ok('{events: [...], next_cursor}'), ...read },
  },
  {
    method: 'get', path: '/api/v1/export', tag: 'Read', summary: 'Export events (streamed), or a bundle with inclusion proofs', guard: { permission: 'read' },
    description: 'Recorded as audit_export_performed. A user token exports only its own sessions.',
    query: exportQuerySchema, responses: { 200: ok('The events in the format asked for; a JSON bundle with bundle=true.', ['application/x-ndjson', 'text/csv', 'text/plain', 'application/json']), ...read },
  },
  {
    method: 'get', path: '/api/v1/reports', tag: 'Read', summary: 'An evidence pack for a framework and a period (html, pdf or OSCAL Assessment Results)', guard: { permission: 'report' },
    description: 'Per control of the framework: what it asks, what was recorded in [from, to) below the signed checkpoint the pack stands on, and a finding (satisfied or not-satisfied, with the reason); sample sessions with inclusion proofs. Recorded as evidence_pack_generated. The same period and checkpoint give the same document (html, oscal). X-Flowtrail-Sha256 carries the SHA-256 of the file.',
    query: reportQuerySchema,
    responses: {
      200: ok('The pack, as a download.', ['text/html', 'application/pdf', 'application/json']), ...read,
      409: err('The log holds no event yet, so there is no checkpoint to stand on.'), 501: err('format=pdf and no Chromium at FLOWTRAIL_CHROMIUM_PATH.'),
    },
  },
  {
    method: 'get', path: '/api/v1/reports/stored', tag: 'Read', summary: 'The evidence packs the schedule produced and kept', guard: { permission: 'report' },
    responses: { 200: ok('{packs: [{id, framework, from, to, format, filename, bytes, sha256, tree_size, produced_by, created_at}]}'), ...read },
  },
  {
    method: 'get', path: '/api/v1/reports/stored/{id}', tag: 'Read', summary: 'One kept evidence pack, as a download', guard: { permission: 'report' },
    pathParams: { id: 'The pack id (from the list).' },
    responses: { 200: ok('The pack as it was produced.', ['text/html', 'application/pdf', 'application/json']), 400: err('The id is not a positive integer.'), ...auth, 404: err('No such pack.') },
  },
  { method: 'get', path: '/api/v1/integrity', tag: 'Integrity', summary: 'State of the log: size, latest checkpoint, verifier keys', guard: { permission: 'read' }, responses: { 200: ok('{origin, verifier_keys, signing_keys, tree_size, pending_intake, latest_checkpoint, events_since_checkpoint}'), ...auth } },
  { method: 'get', path: '/api/v1/integrity/checkpoints', tag: 'Integrity', summary: 'Every signed checkpoint', guard: { permission: 'read' }, responses: { 200: ok('{checkpoints: [{tree_size, root_hash, created_at, note}]}'), ...auth } },
  { method: 'post', path: '/api/v1/integrity/checkpoint', tag: 'Integrity', summary: 'Sign a checkpoint now', guard: { permission: 'export' }, responses: { 200: ok('{tree_size}'), ...auth } },
  {
    method: 'post', path: '/api/v1/integrity/verify', tag: 'Integrity', summary: 'Verify the whole log and its checkpoints', guard: { permission: 'verify' },
    query: verifyQuery, body: { schema: verifyBody, types: JSON_TYPE, optional: true },
    responses: { 200: ok('The verification: a status per checkpoint.'), ...read },
  },
  {
    method: 'post', path: '/api/v1/integrity/verify-against', tag: 'Integrity', summary: 'Check a witness\'s copies of the checkpoints against the log (fork detection)', guard: { permission: 'verify' },
    body: { schema: witnessCheckSchema, types: JSON_TYPE },
    responses: { 200: ok('{ok, logSize, latest, checkpoints: [{file, treeSize, status}], problems}: a fork or rollback is the first problem, in words.'), ...read },
  },
  {
    method: 'post', path: '/api/v1/tokens', tag: 'Administration', summary: 'Create an API token (shown once)', guard: { permission: 'manage_tokens' },
    body: { schema: tokenCreateSchema, types: JSON_TYPE }, responses: { 201: ok('{id, token, role}'), ...write },
  },
  { method: 'get', path: '/api/v1/tokens', tag: 'Administration', summary: 'List API tokens (never their values)', guard: { permission: 'manage_tokens' }, responses: { 200: ok('{tokens: [...]}'), ...auth } },
  {
    method: 'delete', path: '/api/v1/tokens/{id}', tag: 'Administration', summary: 'Revoke an API token', guard: { permission: 'manage_tokens' },
    pathParams: { id: 'The token id.' }, responses: { 200: ok('{id, revoked: true}'), 401: err('No valid token.'), 403: err('The role may not do this.'), 404: err('No such token.') },
  },
  { method: 'post', path: '/api/v1/retention/run', tag: 'Administration', summary: 'Run the retention purge now', guard: { permission: 'run_retention' }, responses: { 200: ok('{sessions, events, ...}'), ...auth } },
  {
    method: 'post', path: '/api/v1/erasures', tag: 'Administration', summary: "Erase the free texts of a session or of a person's sessions (GDPR)", guard: { permission: 'erase' },
    body: { schema: erasureSchema, types: JSON_TYPE }, responses: { 200: ok('{events, seq_ranges, skipped_held: [{session_id, holds}]} (sessions under a legal hold are left as they were)'), ...write },
  },
  {
    method: 'get', path: '/api/v1/retention', tag: 'Administration', summary: 'The retention in force: the default, the owner\'s floor and the rules per project or flow type', guard: { permission: 'read_all' },
    responses: { 200: ok('{default_days, floor_days, rules: [{scope, value, days, set_by, set_at}]}'), ...auth },
  },
  {
    method: 'put', path: '/api/v1/retention/rules', tag: 'Administration', summary: 'Set (days) or remove (days: null) the retention of one project or flow type', guard: { permission: 'run_retention' },
    description: 'A rule replaces the default for the sessions it covers; when a project rule and a flow-type rule both apply, the longer counts. Never below the floor the database owner set. Audited as retention_policy_changed.',
    body: { schema: retentionRuleSchema, types: JSON_TYPE }, responses: { 200: ok('{scope, value, days, previous_days}'), ...write, 404: err('No rule to remove.') },
  },
  {
    method: 'get', path: '/api/v1/alerts', tag: 'Read', summary: 'Alerts (events of the alert types) with their state', guard: { permission: 'read_all' },
    description: 'Newest first. state=open (the default), acknowledged, resolved or all; before=<id> for the next page (next_before). An alert\'s id is its log position.',
    query: alertsQuerySchema, responses: { 200: ok('{alerts: [{id, type, session_id, occurred_at, data, state, handled_by, handled_at, reason, notified_at, gitlab_issue: {iid, url} | null}], next_before}'), ...read },
  },
  ...(['acknowledge', 'resolve'] as const).map((step): Operation => ({
    method: 'post', path: `/api/v1/alerts/{id}/${step}`, tag: 'Read', guard: { permission: 'handle_alerts' },
    summary: step === 'acknowledge' ? 'Acknowledge an open alert (seen, being handled)' : 'Resolve an open or acknowledged alert',
    description: `Auditors and administrators. Recorded as alert_${step === 'acknowledge' ? 'acknowledged' : 'resolved'} with who and why (the reason sanitized).`,
    pathParams: { id: 'The alert\'s log position.' }, body: { schema: alertActionSchema, types: JSON_TYPE },
    responses: { 200: ok('The alert with its new state.'), ...write, 404: err('No alert at this log position.'), 409: err(step === 'acknowledge' ? 'The alert is not open.' : 'The alert is already resolved.') },
  })),
  {
    method: 'post', path: '/api/v1/legal-holds', tag: 'Administration', summary: 'Place a legal hold on a session, a person or a project', guard: { permission: 'manage_holds' },
    description: 'Retention and erasure leave every session the hold covers until it is released, and record what they skipped. Audited as legal_hold_placed.',
    body: { schema: legalHoldSchema, types: JSON_TYPE }, responses: { 201: ok('The hold: {id, scope, value, reason, placed_by, placed_at, active}'), ...write },
  },
  {
    method: 'get', path: '/api/v1/legal-holds', tag: 'Administration', summary: 'List legal holds', guard: { permission: 'read_all' },
    query: z.object({ state: z.enum(['active', 'all']).optional().describe('active (the default) or all, released ones included.') }),
    responses: { 200: ok('{legal_holds: [...]}'), ...read },
  },
  {
    method: 'get', path: '/api/v1/legal-holds/{id}', tag: 'Administration', summary: 'One legal hold', guard: { permission: 'read_all' },
    pathParams: { id: 'The hold id.' }, responses: { 200: ok('The hold.'), ...read, 404: err('No such hold.') },
  },
  {
    method: 'delete', path: '/api/v1/legal-holds/{id}', tag: 'Administration', summary: 'Release a legal hold', guard: { permission: 'manage_holds' },
    description: 'Audited as legal_hold_released with the reason given (optional body {reason} or ?reason=).',
    pathParams: { id: 'The hold id.' }, body: { schema: holdReleaseSchema, types: JSON_TYPE, optional: true },
    responses: { 200: ok('The released hold.'), ...write, 404: err('No such hold.'), 409: err('The hold was already released.') },
  },
  { method: 'get', path: '/api/v1/jobs', tag: 'Administration', summary: "The worker's queue by state", guard: { permission: 'manage_tokens' }, query: jobsQuerySchema, responses: { 200: ok('{counts, jobs: [...]}'), ...read } },
  {
    method: 'post', path: '/api/v1/jobs/{id}/retry', tag: 'Administration', summary: 'Send one dead letter back to the queue', guard: { permission: 'manage_tokens' },
    description: 'The job runs again at once with its attempts counted from zero; audited as jobs_retried. `flowtrail jobs retry --id N`.',
    pathParams: { id: 'The job id.' }, responses: { 200: ok('{retried: [{id, name, last_error}]}'), 400: err('The id is not a positive integer.'), ...auth, 404: err('No dead letter with this id.') },
  },
  {
    method: 'post', path: '/api/v1/jobs/retry-dead', tag: 'Administration', summary: 'Send every dead letter back to the queue', guard: { permission: 'manage_tokens' },
    description: 'Audited as jobs_retried (nothing is recorded when there were none). `flowtrail jobs retry --all-dead`.',
    responses: { 200: ok('{retried: [{id, name, last_error}]}'), ...auth },
  },
  {
    method: 'post', path: '/api/v1/streaming-destinations', tag: 'Administration', summary: 'Add a streaming destination (SIEM)', guard: { permission: 'manage_streaming' },
    description: 'http (GitLab streaming JSON, X-Flowtrail-Event-Streaming-Token, Idempotency-Key), splunk_hec (batched, indexer acknowledgement honoured) or syslog (RFC 5424 over TCP or TLS, CEF). The token is sealed and never answered. Audited as streaming_destination_created. `flowtrail streaming add`.',
    body: { schema: destinationCreateSchema, types: JSON_TYPE }, responses: { 201: ok('The destination (token_set instead of the token).'), ...write, 409: err('A destination of this name exists.') },
  },
  { method: 'get', path: '/api/v1/streaming-destinations', tag: 'Administration', summary: 'List streaming destinations with their state, lag and paused reason', guard: { permission: 'manage_streaming' }, responses: { 200: ok('{destinations: [...]}'), ...auth } },
  {
    method: 'get', path: '/api/v1/streaming-destinations/{id}', tag: 'Administration', summary: 'One streaming destination', guard: { permission: 'manage_streaming' },
    pathParams: { id: 'The destination id (sd_...).' }, responses: { 200: ok('The destination with lag_events and lag_seconds.'), ...auth, 404: err('No such destination.') },
  },
  {
    method: 'patch', path: '/api/v1/streaming-destinations/{id}', tag: 'Administration', summary: 'Change a streaming destination (resumes a paused one)', guard: { permission: 'manage_streaming' },
    description: 'Any field of the creation body; token null removes the token. Delivery resumes from the cursor: nothing is skipped. Audited as streaming_destination_updated.',
    pathParams: { id: 'The destination id.' }, body: { schema: destinationUpdateSchema, types: JSON_TYPE }, responses: { 200: ok('The destination.'), ...write, 404: err('No such destination.'), 409: err('Another destination has this name.') },
  },
  {
    method: 'delete', path: '/api/v1/streaming-destinations/{id}', tag: 'Administration', summary: 'Remove a streaming destination', guard: { permission: 'manage_streaming' },
    description: 'Audited as streaming_destination_removed. `flowtrail streaming remove ID`.',
    pathParams: { id: 'The destination id.' }, responses: { 200: ok('{id, removed: true}'), ...auth, 404: err('No such destination.') },
  },
  ...(['post', 'get'] as const).map((method): Operation => ({
    method, path: '/api/graphql', tag: 'GraphQL', guard: { permission: 'read' },
    summary: method === 'post' ? 'GraphQL query (GraphQL over HTTP)' : 'GraphQL query over GET (queries only; variables as a JSON string)',
    description: 'duoFlowSessions, duoFlowSession and duoFlowUsage; see docs/api.md. Depth at most 8, cost at most 5000, first at most 100. Request errors are 400 under application/graphql-response+json and 200 under application/json.',
    ...(method === 'post' ? { body: { schema: graphqlRequestSchema, types: JSON_TYPE } } : { query: graphqlRequestSchema.extend({ variables: z.string().optional().describe('JSON'), extensions: z.string().optional().describe('JSON') }) }),
    responses: {
      200: ok('{data, errors?}', GRAPHQL_TYPES), 400: ok('Not a GraphQL request, or (graphql-response+json) a request error: {errors}', GRAPHQL_TYPES),
      401: ok('No valid token.', GRAPHQL_TYPES), 403: ok('The role may not read.', GRAPHQL_TYPES), 405: ok('A mutation over GET, or another method.', GRAPHQL_TYPES),
      406: ok('Accept names no supported type.'), 415: ok('POST without Content-Type: application/json.', GRAPHQL_TYPES),
    },
  })),
  { method: 'get', path: '/api/v1/openapi.json', tag: 'Meta', summary: 'This document (OpenAPI 3.1)', guard: { public: true }, responses: { 200: ok('The OpenAPI document.') } },
  { method: 'get', path: '/api/v1/docs', tag: 'Meta', summary: 'This document as an HTML page', guard: { public: true }, responses: { 200: ok('HTML.', ['text/html']) } },
  { method: 'get', path: '/-/health', tag: 'Operations', summary: 'The process answers', guard: { public: true }, responses: { 200: ok('{status: ok}') } },
  { method: 'get', path: '/-/readiness', tag: 'Operations', summary: 'The database answers', guard: { public: true }, responses: { 200: ok('{status: ok, database}'), 503: err('{status: unavailable, database}') } },
  {
    method: 'get', path: '/metrics', tag: 'Operations', summary: 'Prometheus metrics', guard: { permission: 'read_all' },
    description: 'An admin or auditor API token (never a browser session). With FLOWTRAIL_METRICS_TOKEN set, only `Authorization: Bearer <that token>`. With FLOWTRAIL_METRICS_PORT set, served only on that port (without a token unless FLOWTRAIL_METRICS_TOKEN is set) and 404 here.',
    responses: { 200: ok('Prometheus text format.', ['text/plain']), ...auth, 404: err('FLOWTRAIL_METRICS_PORT serves it on another port.') },
  },
];
