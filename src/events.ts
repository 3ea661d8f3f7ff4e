// The event catalog: the only place event type names are spelled. Validation
// of the flow-event API, the docs page (docs/events.md), exports and the
// session projection all derive from this table.
import { z } from 'zod';
import { SESSION_ID_PATTERN } from './session-id.js';

export { SESSION_ID_PATTERN };

const MAX_TEXT = 1_000_000;

const id = z.union([z.number().int(), z.string().min(1).max(255)]);
const text = z.string().max(MAX_TEXT);
const identity = z.looseObject({ id, username: z.string().min(1).max(255) });
const optionalIdentity = z.looseObject({ id: id.optional(), username: z.string().min(1).max(255).optional() });
const project = z.looseObject({ id, path: z.string().min(1).max(1024) });
const timestamp = z.iso.datetime({ offset: true });
const step = z.union([z.number().int().nonnegative(), z.string().min(1).max(1024)]);
const usage = z.looseObject({
  input_tokens: z.number().int().nonnegative().optional(),
  output_tokens: z.number().int().nonnegative().optional(),
});
const pushDecision = () => fields({
  mode: z.enum(['enforce', 'warn']),
  accepted: z.boolean(),
  refs: z.array(z.looseObject({ ref: z.string(), old: z.string(), new: z.string() })),
  commits: z.number().int().nonnegative(),
  /** Null when the hook could not ask the service (`unchecked: true`, with the `reason`). */
  agent_commits: z.number().int().nonnegative().nullable(),
  sessions: z.record(z.string(), z.number().int()),
  findings: z.array(z.looseObject({ sha: z.string(), code: z.string(), reason: z.string() })),
});
/** What duo_flow_anomaly_detected found (data.kind); docs/alerts.md has each detector. */
export const ANOMALY_KINDS = ['session_rate', 'off_hours', 'failure_burst', 'token_spike', 'never_ended'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
export const RESOURCE_TYPES = ['Commit', 'MergeRequest', 'Note', 'Issue', 'Branch', 'Pipeline'] as const;

/** What a session goes through; `undefined` means the event does not take part in the lifecycle checks. */
export type LifecycleRole = 'create' | 'start' | 'activity' | 'pause' | 'resume' | 'terminal' | 'delete';

/** `otlp`: OpenTelemetry GenAI spans received on POST /v1/traces, mapped into the same events (docs/otel.md). */
export type EventSource = 'flow_api' | 'gitlab_audit_stream' | 'gitlab_webhook' | 'git_hook' | 'gitlab_archive' | 'system' | 'otlp';
export const EVENT_SOURCES: readonly EventSource[] = ['flow_api', 'gitlab_audit_stream', 'gitlab_webhook', 'git_hook', 'gitlab_archive', 'system', 'otlp'];

export interface CatalogEntry {
  readonly description: string;
  /** Schema of the type's own fields (the envelope is checked separately). */
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Posted by senders through POST /api/v1/flow-events (the rest are emitted by flowtrail). */
  readonly ingestable: boolean;
  readonly lifecycle?: LifecycleRole;
  /** Status a session takes when this event is applied. */
  readonly status?: SessionStatus;
  /** Top-level fields holding free text: they enter the leaf only as salted commitments. */
  readonly textFields: readonly string[];
  /** A finding an auditor must look at: the dashboard's open alerts, a higher SIEM severity. */
  readonly alert?: true;
}

export const SESSION_STATUSES = ['created', 'running', 'paused', 'completed', 'failed', 'stopped'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

const entry = (e: CatalogEntry): CatalogEntry => e;
const fields = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape) as unknown as z.ZodType<Record<string, unknown>>;

export const catalog = {
  duo_flow_created: entry({
    description: "A session was created in GitLab (GitLab's duo_session_created); it has not started yet.",
    schema: fields({ user: optionalIdentity.optional(), project: project.optional(), flow_type: z.string().max(255).optional() }),
    ingestable: true, lifecycle: 'create', status: 'created', textFields: [],
  }),
  duo_flow_started: entry({
    description: 'The agent started: who initiated it, through which agent account, on which project, what was asked and under what authorization.',
    schema: fields({
      user: identity, agent: identity, project, flow_type: z.string().min(1).max(255), input_prompt: text,
      authorization: z.looseObject({ verified_at: timestamp, method: z.string().min(1).max(255), scopes: z.array(z.string().max(255)) }),
      input_summary: text.optional(), input_context: z.record(z.string(), z.unknown()).optional(),
      model: z.looseObject({ provider: z.string().max(255).optional(), engine: z.string().max(255).optional() }).optional(),
    }),
    ingestable: true, lifecycle: 'start', status: 'running', textFields: ['input_prompt', 'input_summary', 'input_context'],
  }),
  duo_flow_plan_generated: entry({
    description: 'The agent produced or revised its plan.',
    schema: fields({
      plan_steps: z.array(z.union([text, z.record(z.string(), z.unknown())])).min(1).max(10_000),
      plan_summary: text.optional(), estimated_actions: z.number().int().nonnegative().optional(),
    }),
    ingestable: true, lifecycle: 'activity', textFields: ['plan_steps', 'plan_summary'],
  }),
  duo_flow_decision_logged: entry({
    description: 'A decision of the agent or a human (tool call, approval, user input, model response), with its rationale.',
    schema: fields({ step, decision: text, rationale: text.optional(), alternatives: z.array(text).max(1000).optional() }),
    ingestable: true, lifecycle: 'activity', textFields: ['decision', 'rationale', 'alternatives', 'detail'],
  }),
  duo_flow_paused: entry({
    description: 'The session paused, for example waiting for input or approval.',
    schema: fields({ paused_at_step: step, reason: text.optional() }),
    ingestable: true, lifecycle: 'pause', status: 'paused', textFields: ['reason'],
  }),
  duo_flow_resumed: entry({
    description: 'A paused session resumed.',
    schema: fields({ resumed_by: identity.optional() }),
    ingestable: true, lifecycle: 'resume', status: 'running', textFields: [],
  }),
  duo_flow_resource_created: entry({
    description: 'The session created or modified a GitLab object (commit, merge request, note, issue, branch, pipeline).',
    schema: fields({
      resource_type: z.enum(RESOURCE_TYPES), resource_id: id, action: z.enum(['created', 'modified']),
      web_url: z.url({ protocol: /^https?$/ }).max(4096).optional(), project: project.optional(),
    }),
    ingestable: true, lifecycle: 'activity', textFields: [],
  }),
  duo_flow_completed: entry({
    description: 'The session finished successfully. The session record shows the derived duration_ms and resources_created.',
    schema: fields({ outcome_summary: text.optional(), usage: usage.optional() }),
    ingestable: true, lifecycle: 'terminal', status: 'completed', textFields: ['outcome_summary'],
  }),
  duo_flow_failed: entry({
    description: 'The session failed. The session record shows the derived duration_ms and resources_created_before_failure.',
    schema: fields({
      error_category: z.string().min(1).max(255), error_code: z.union([z.string().min(1).max(255), z.number().int()]),
      error_message: text, failed_at_step: step, usage: usage.optional(),
    }),
    ingestable: true, lifecycle: 'terminal', status: 'failed', textFields: ['error_message'],
  }),
  duo_flow_stopped: entry({
    description: 'The session was stopped (cancelled) by a person; not a failure.',
    schema: fields({ stopped_by: identity.optional(), reason: text.optional() }),
    ingestable: true, lifecycle: 'terminal', status: 'stopped', textFields: ['reason'],
  }),
  duo_flow_deleted: entry({
    description: "The session was deleted in GitLab; flowtrail keeps its record and marks it deleted.",
    schema: fields({ user: optionalIdentity.optional() }),
    ingestable: true, lifecycle: 'delete', textFields: [],
  }),
  duo_flow_authorization_verified: entry({
    description: "flowtrail checked with GitLab the initiator's and the agent's access on the project when the session started.",
    schema: fields({ verified_at: timestamp, method: z.string(), access_level: z.record(z.string(), z.unknown()), scopes: z.array(z.string()).optional() }),
    ingestable: false, textFields: [],
  }),
  duo_flow_authorization_unverified: entry({
    description: 'flowtrail could not verify the authorization of a starting session; the reason says why.',
    schema: fields({ reason: z.string() }), alert: true, ingestable: false, textFields: [],
  }),
  duo_flow_resource_linked: entry({
    description: 'A GitLab object was tied to the session (by trailer, footer, merge, webhook or API activity).',
    schema: fields({ resource_type: z.string(), resource_id: id, link_method: z.string() }), ingestable: false, textFields: [],
  }),
  duo_flow_api_request: entry({
    description: "An API call made with the session's ai_workflows token (GitLab's api_request_access_with_scope).",
    schema: fields({ method: z.string(), path: z.string() }), ingestable: false, lifecycle: 'activity', textFields: [],
  }),
  duo_flow_activity_archived: entry({
    description: "The session's activity, copied from GitLab before GitLab purges it.",
    schema: fields({ activity: z.unknown() }), ingestable: false, textFields: ['activity'],
  }),
  duo_flow_untraced_agent_commit: entry({
    description: 'A commit authored by an agent identity carries no session trailer.',
    schema: fields({ sha: z.string() }), alert: true, ingestable: false, textFields: [],
  }),
  duo_flow_unknown_session_reference: entry({
    description: 'A trailer or footer names a session that does not exist or belongs to another project.',
    schema: fields({ reference: z.string(), reason: z.string() }), alert: true, ingestable: false, textFields: [],
  }),
  duo_flow_push_checked: entry({
    description: 'The pre-receive hook checked a push and accepted it: its refs, how many new and agent commits it had, and the sessions their trailers name.',
    schema: pushDecision(), ingestable: false, textFields: [],
  }),
  duo_flow_push_rejected: entry({
    description: 'The pre-receive hook refused a push (or, in warn mode, would have and let it pass): the findings per commit, as the pusher read them.',
    schema: pushDecision(), alert: true, ingestable: false, textFields: [],
  }),
  duo_flow_push_dry_run: entry({
    description: 'Someone asked the push-check service about commits without pushing them (`flowtrail verify-repo`): who asked (token id and role), the project, and what the service found. Nothing was accepted or refused.',
    schema: fields({
      dry_run: z.literal(true),
      asked_by: z.looseObject({ token_id: z.string(), role: z.string() }),
      commits: z.number().int().nonnegative(),
      agent_commits: z.number().int().nonnegative(),
      sessions: z.record(z.string(), z.number().int()),
      /** The first 1,000; `findings_total` and `findings_by_code` count them all. */
      findings: z.array(z.looseObject({ sha: z.string(), code: z.string(), reason: z.string() })),
      findings_total: z.number().int().nonnegative(),
    }),
    ingestable: false, textFields: [],
  }),
  duo_flow_footer_restored: entry({
    description: 'flowtrail restored the session footer a person removed from a merge request description.',
    schema: fields({ merge_request_iid: id }), ingestable: false, textFields: [],
  }),
  duo_flow_separation_of_duties_violation: entry({
    description: 'The person who started an agent session approved or merged its merge request (from GitLab\'s merge request webhook: action approval, approved or merge, by the delivery\'s user id): the change had no second pair of eyes.',
    schema: fields({ action: z.enum(['approved', 'merged']), merge_request: z.looseObject({ iid: z.string() }), actor: z.looseObject({}), initiator: z.looseObject({}) }),
    alert: true, ingestable: false, textFields: [],
  }),
  duo_flow_anomaly_detected: entry({
    description: 'flowtrail found something unusual in the sessions (docs/alerts.md): kind session_rate (a person\'s or project\'s sessions far above its own baseline), off_hours (a person started a session at an hour they never work), failure_burst (many sessions of a flow type failed in a short window), token_spike (a session used far more tokens than its flow type and its person do), never_ended (a session fell silent without ending, or only GitLab\'s own records ended it). With the subject, the observed value, the baseline and threshold it was compared with, the window (by the log\'s recorded times) and a sentence saying why.',
    schema: fields({
      kind: z.enum(ANOMALY_KINDS),
      subject: z.looseObject({ type: z.enum(['user', 'project', 'flow_type', 'session']), value: z.string() }),
      observed: z.number(),
      baseline: z.number().nullable(),
      threshold: z.number(),
      unit: z.string(),
      window: z.looseObject({ from: timestamp, to: timestamp }),
      reason: z.string(),
    }),
    alert: true, ingestable: false, textFields: ['reason'],
  }),
  duo_flow_lifecycle_violation: entry({
    description: 'An event broke the session lifecycle (resumed without pause, after a terminal event, before start), or named another initiator or project than the session has (initiator_conflict, project_conflict; *_overridden when GitLab later said otherwise); the event itself is stored too.',
    schema: fields({ violating_event_id: z.string(), violating_type: z.string(), rule: z.string() }),
    alert: true, ingestable: false, textFields: [],
  }),
  gitlab_audit_event: entry({
    description: 'Any other GitLab audit event received on the streaming destination, stored as it came (sanitized).',
    schema: fields({ event_type: z.string() }), ingestable: false, textFields: ['details'],
  }),
  integrity_checkpoint: entry({
    description: 'A signed checkpoint (tree size and root) of the log was published.',
    schema: fields({ tree_size: z.number().int(), root_hash: z.string() }), ingestable: false, textFields: [],
  }),
  signing_key_rotated: entry({
    description: 'A new key took over signing the checkpoints: the new and the retired key (key ids as the signature lines name them, and their verifier keys), whether the retired key signed a handover checkpoint over this event (it then vouches for the new key), and which process on which host recorded it. The retired key signs no checkpoint after this one; the new key signs only checkpoints that cover it.',
    schema: fields({
      key_id: z.string(), verifier_key: z.string(), previous_key_id: z.string(), previous_verifier_key: z.string(),
      handover: z.boolean(), host: z.string(), pid: z.number().int(),
    }),
    ingestable: false, textFields: [],
  }),
  configuration_changed: entry({
    description: 'A process started with another effective configuration than the last one recorded: each setting that changed, from what to what (secrets only as set or unset with a keyed fingerprint, never their value), the fingerprint of the whole, and which process on which host.',
    schema: fields({
      fingerprint: z.string(), previous_fingerprint: z.string().nullable(),
      changes: z.array(z.looseObject({ setting: z.string(), from: z.unknown(), to: z.unknown() })), host: z.string(), pid: z.number().int(),
    }),
    ingestable: false, textFields: [],
  }),
  retention_purged: entry({
    description: 'Sessions older than their retention period (the default, or their project\'s or flow type\'s rule) were purged; proofs still verify. Sessions a legal hold kept are counted (held) with the holds\' ids.',
    schema: fields({ sessions: z.number().int(), events: z.number().int() }), ingestable: false, textFields: [],
  }),
  otlp_spans_dropped: entry({
    description: 'OpenTelemetry spans that waited longer than FLOWTRAIL_OTLP_PENDING_HOURS for the span of their session (an agent run whose invoke_agent span never arrived: the agent crashed, or its exporter lost the span) were dropped by the daily sweep and are not in any session: how many, of how many traces, received before which cutoff, and each one\'s trace id, span id, operation, tool and service (the first 1,000).',
    schema: fields({
      spans: z.number().int().nonnegative(), traces: z.number().int().nonnegative(), cutoff: timestamp, pending_hours: z.number().int().positive(),
      dropped: z.array(z.looseObject({ trace_id: z.string(), span_id: z.string() })),
    }),
    ingestable: false, textFields: [],
  }),
  personal_data_erased: entry({
    description: 'The free texts of events were erased on request (GDPR Art. 17); their commitments stay in the leaves, so every proof still verifies.',
    schema: fields({ scope: z.record(z.string(), z.unknown()), events: z.number().int(), seq_ranges: z.array(z.tuple([z.number().int(), z.number().int()])) }),
    ingestable: false, textFields: [],
  }),
  alert_acknowledged: entry({
    description: 'Someone acknowledged an alert (an event of an alert type, named by its log position alert_seq): it has been seen and is being handled. Who and why.',
    schema: fields({ alert_seq: z.number().int(), alert_type: z.string(), actor: z.string(), reason: z.string() }), ingestable: false, textFields: [],
  }),
  alert_resolved: entry({
    description: 'Someone resolved an alert (named by its log position alert_seq): what was done about it, by whom.',
    schema: fields({ alert_seq: z.number().int(), alert_type: z.string(), actor: z.string(), reason: z.string() }), ingestable: false, textFields: [],
  }),
  legal_hold_placed: entry({
    description: 'A legal hold was placed on a session, a person (every session they initiated) or a project: retention and erasure leave what it covers until it is released. Who placed it and why.',
    schema: fields({ hold_id: z.number().int(), scope: z.enum(['session', 'user', 'project']), value: z.string(), reason: z.string(), actor: z.string() }),
    ingestable: false, textFields: [],
  }),
  legal_hold_released: entry({
    description: 'A legal hold was released: who released it, why, and when it had been placed. What it covered falls under retention again.',
    schema: fields({ hold_id: z.number().int(), scope: z.enum(['session', 'user', 'project']), value: z.string(), actor: z.string() }),
    ingestable: false, textFields: [],
  }),
  retention_policy_changed: entry({
    description: 'An administrator set or removed the retention period of one project or flow type (days null: removed, the default applies again), with the period it replaced.',
    schema: fields({ scope: z.enum(['project', 'flow_type']), value: z.string(), days: z.number().int().nullable(), previous_days: z.number().int().nullable(), actor: z.string() }),
    ingestable: false, textFields: [],
  }),
  audit_export_performed: entry({
    description: 'Someone read audit data through an export: who (actor), how (channel: api, cli or web), in which format and with which filter, under the query parameters that selected the events (from, to, project, user, flow_type, session_id, type; owner for a user token, pinned to its own sessions).',
    schema: fields({ format: z.string(), filters: z.record(z.string(), z.unknown()).optional() }), ingestable: false, textFields: [],
  }),
  evidence_pack_generated: entry({
    description: 'Someone produced an evidence pack (or the schedule did): the framework, the period, the format, the signed checkpoint it stands on (tree size and root hash), the SHA-256 and size of the file, who asked (actor) and how (channel: api, cli, web or schedule).',
    schema: fields({
      framework: z.string(), from: timestamp, to: timestamp, format: z.string(),
      tree_size: z.number().int(), root_hash: z.string(), sha256: z.string(), bytes: z.number().int().nonnegative(),
    }),
    ingestable: false, textFields: [],
  }),
  api_token_created: entry({
    description: 'An API token was created.',
    schema: fields({ token_id: z.string(), role: z.string() }), ingestable: false, textFields: [],
  }),
  api_token_revoked: entry({
    description: 'An API token was revoked.',
    schema: fields({ token_id: z.string() }), ingestable: false, textFields: [],
  }),
  jobs_retried: entry({
    description: 'An administrator sent jobs that had used all their attempts (dead letters, e.g. after a long GitLab outage) back to the queue: which jobs, what they had failed with, and who asked.',
    schema: fields({ jobs: z.array(z.looseObject({ id: z.number().int(), name: z.string() })), actor: z.string() }), ingestable: false, textFields: [],
  }),
  streaming_destination_created: entry({
    description: 'An administrator added a streaming destination (SIEM): its name, type, URL (query values masked), format, filters, whether it is active and whether it has a token; never the token.',
    schema: fields({ destination_id: z.string(), name: z.string(), type: z.string(), token_set: z.boolean() }), ingestable: false, textFields: [],
  }),
  streaming_destination_updated: entry({
    description: 'An administrator changed a streaming destination: which fields changed and the settings it has now (never the token); a change resumes a paused destination.',
    schema: fields({ destination_id: z.string(), name: z.string(), changed: z.array(z.string()), token_set: z.boolean() }), ingestable: false, textFields: [],
  }),
  streaming_destination_removed: entry({
    description: 'An administrator removed a streaming destination: its name, type and the last sequence number it had been sent.',
    schema: fields({ destination_id: z.string(), name: z.string(), cursor_seq: z.number().int() }), ingestable: false, textFields: [],
  }),
  streaming_destination_paused: entry({
    description: 'flowtrail paused a streaming destination that kept failing longer than FLOWTRAIL_STREAM_PAUSE_AFTER_SECONDS: the reason, and the last sequence number it had been sent. Nothing is lost: a change to the destination resumes it from there.',
    schema: fields({ destination_id: z.string(), name: z.string(), reason: z.string(), cursor_seq: z.number().int() }), ingestable: false, textFields: [],
  }),
  user_signed_in: entry({
    description: 'Someone signed in to the pages (with GitLab or an API token): who, with which role, and how; the audit trail of who reads the audit trail.',
    schema: fields({ method: z.enum(['gitlab', 'token']), role: z.string() }), ingestable: false, textFields: [],
  }),
} as const satisfies Record<string, CatalogEntry>;

export type EventName = keyof typeof catalog;
export const eventNames = Object.keys(catalog) as EventName[];

/** The event types that are alerts (`alert: true`), in catalog order. */
export const ALERT_TYPES = eventNames.filter((n) => (catalog[n] as CatalogEntry).alert === true);

export function isEventName(s: unknown): s is EventName {
  return typeof s === 'string' && Object.hasOwn(catalog, s);
}

/** The envelope every flow event carries, whatever its type. */
export const envelopeSchema = z.object({
  event_id: z.uuid(),
  type: z.string().min(1).max(128),
  session_id: z.string().regex(SESSION_ID_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 . _ : -'),
  occurred_at: timestamp,
});
export const ENVELOPE_FIELDS = ['event_id', 'type', 'session_id', 'occurred_at'] as const;

/** An event ready for the log: validated, sanitized, with its provenance. */
export interface NewEvent {
  eventId: string;
  type: EventName;
  sessionId: string | null;
  occurredAt: string;
  source: EventSource;
  /** The original type and id where the event came from (GitLab's event_type and id, a delivery id, ...). */
  sourceType?: string;
  sourceId?: string;
  /** Denormalised for filtering: the project path and the human initiator's username, when known. */
  projectPath?: string | null;
  username?: string | null;
  data: Record<string, unknown>;
}
