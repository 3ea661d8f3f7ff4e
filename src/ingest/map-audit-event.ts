// Maps one GitLab audit streaming event to flowtrail events (docs/gitlab-setup.md,
// audit event streaming; payloads in test/fixtures/gitlab-dap/). Pure apart from the injected lookups: the
// session an agent account was running at a moment, and whether an author is
// a known agent account.
import { SESSION_ID_PATTERN, type EventName, type NewEvent } from '../events.js';
import { deterministicUuid } from '../gitlab/index.js';
import { eventTimeProblem } from '../http/index.js';
import { idString, obj, text, type Obj } from './audit-fields.js';
import { identifyAuditAuthor, type AuditAuthor } from './identify-audit-author.js';
import { parseApiRequest } from './parse-api-request.js';

export interface AgentAccount {
  userId: string;
  username: string | null;
  name: string | null;
}

export type FindRunningSession = (agentId: string, project: string, at: Date) => Promise<string | null>;

export interface AuditLookups {
  findRunning: FindRunningSession;
  /** Whether a GitLab user id is an agent account flowtrail learned from GitLab's own markers (agent_accounts). */
  isAgentAccount: (userId: string) => Promise<boolean>;
  /** FLOWTRAIL_AGENT_USERNAMES: matched against usernames GitLab reports, never against display names (anyone can set those). */
  agentPatterns: readonly string[];
}

export type MappedAudit =
  | { ok: true; dedupeKey: string; events: NewEvent[]; agent?: AgentAccount }
  | { ok: false; error: string };

const SESSION_TYPES: Record<string, EventName> = {
  duo_session_created: 'duo_flow_created',
  duo_session_started: 'duo_flow_started',
  duo_session_finished: 'duo_flow_completed',
  duo_session_failed: 'duo_flow_failed',
  duo_session_stopped: 'duo_flow_stopped',
  duo_session_resumed: 'duo_flow_resumed',
  duo_session_deleted: 'duo_flow_deleted',
} satisfies Record<string, EventName>;

const TARGET_DETAILS = /^(?:\[Verification Run\] )?(\S+) session (\d+)$/;

/** The fields every audit event must have, read from the streamed envelope. */
interface Envelope {
  e: Obj;
  details: Obj;
  eventType: string;
  key: string;
  occurredAt: string;
}

/** What each kind of audit event is mapped with. */
interface AuditContext extends Envelope, AuditAuthor {
  dedupeKey: string;
  project: { id: string | null; path: string | null } | null;
  /** GitLab's own record of the event, kept in every event's data. */
  gitlab: Obj;
  /** A flowtrail event of this audit event; `i` tells apart several from one audit event. */
  event: (type: EventName, sessionId: string | null, data: Obj, i?: number) => NewEvent;
}

export async function mapAuditEvent(raw: unknown, headerType: string | undefined, lookups: AuditLookups): Promise<MappedAudit> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'an audit event must be a JSON object' };
  const envelope = readEnvelope(fromCloudEvent(raw as Obj), headerType);
  if ('error' in envelope) return { ok: false, error: envelope.error };
  // Own keys only: an event_type of "__proto__" or "constructor" is an unknown type, not Object.prototype's.
  const lifecycle = Object.hasOwn(SESSION_TYPES, envelope.eventType) ? SESSION_TYPES[envelope.eventType] : undefined;
  const c = auditContext(envelope, await identifyAuditAuthor(envelope.e, lifecycle !== undefined, lookups));
  if (lifecycle !== undefined) return mapSessionEvent(c, lifecycle);
  if (c.eventType.startsWith('ai_')) return mapAiEvent(c);
  if (c.eventType === 'api_request_access_with_scope') return mapApiRequest(c, lookups.findRunning);
  const workflow = c.e.target_type === 'Ai::DuoWorkflows::Workflow' ? idString(c.e.target_id) : null;
  return { ok: true, dedupeKey: c.dedupeKey, events: [c.event('gitlab_audit_event', workflow !== null && SESSION_ID_PATTERN.test(workflow) ? workflow : null, { event_type: c.eventType, details: c.e })] };
}

function readEnvelope(e: Obj, headerType: string | undefined): Envelope | { error: string } {
  const details = obj(e.details);
  const eventType = text(e.event_type) ?? text(e.event_name) ?? text(details.event_name) ?? text(headerType);
  if (eventType === null) return { error: 'event_type: is required' };
  const key = idString(e.cloud_event_id) ?? idString(e.id);
  if (key === null) return { error: 'id: is required (or cloud_event_id)' };
  const createdAt = text(e.created_at);
  if (createdAt === null || Number.isNaN(Date.parse(createdAt))) return { error: 'created_at: must be a timestamp' };
  const timeProblem = eventTimeProblem(createdAt);
  if (timeProblem !== null) return { error: `created_at: ${timeProblem}` };
  return { e, details, eventType, key, occurredAt: new Date(createdAt).toISOString() };
}

function auditContext(envelope: Envelope, who: AuditAuthor): AuditContext {
  const { e, details, eventType, key, occurredAt } = envelope;
  const dedupeKey = `gitlab_audit:${key}`;
  const project = e.entity_type === 'Project' ? { id: idString(e.entity_id), path: text(e.entity_path) } : null;
  const gitlab: Obj = {
    audit_event_id: idString(e.id),
    cloud_event_id: idString(e.cloud_event_id),
    event_type: eventType,
    author: who.author,
    entity: { type: text(e.entity_type), id: idString(e.entity_id), path: text(e.entity_path) },
    target_details: text(e.target_details),
    custom_message: text(details.custom_message),
    ip_address: text(e.ip_address) ?? text(details.ip_address),
  };
  const event = (type: EventName, sessionId: string | null, data: Obj, i = 0): NewEvent => ({
    eventId: deterministicUuid(`${dedupeKey}#${i}`),
    type,
    sessionId,
    occurredAt,
    source: 'gitlab_audit_stream',
    sourceType: eventType,
    sourceId: key,
    projectPath: project?.path ?? null,
    username: who.human?.username ?? null,
    data,
  });
  return { ...envelope, ...who, dedupeKey, project, gitlab, event };
}

/** duo_session_*: the session's lifecycle, with who started, stopped or resumed it. */
function mapSessionEvent(c: AuditContext, lifecycle: EventName): MappedAudit {
  const { e, details, human, author, authorId, authorIsAgent } = c;
  const sessionId = idString(e.target_id) ?? idString(details.target_id);
  if (sessionId === null || !SESSION_ID_PATTERN.test(sessionId)) return { ok: false, error: 'target_id: the session id is missing or invalid' };
  const m = TARGET_DETAILS.exec(text(e.target_details) ?? text(details.target_details) ?? '');
  const data: Obj = { gitlab: c.gitlab };
  if (m !== null) data.flow_type = m[1];
  if (text(e.target_details)?.startsWith('[Verification Run] ')) data.verification_run = true;
  if (c.project !== null) data.project = c.project;
  const authorPerson = { id: authorId, username: null, name: author.name };
  // An agent account acting with no human named is not the initiator: it names no one.
  const initiator = human ?? (authorIsAgent ? null : authorPerson);
  if ((lifecycle === 'duo_flow_created' || lifecycle === 'duo_flow_deleted') && initiator !== null) data.user = initiator;
  if (lifecycle === 'duo_flow_started') {
    if (initiator !== null) data.user = initiator;
    if (authorIsAgent) data.agent = { id: authorId, name: author.name };
  }
  if (lifecycle === 'duo_flow_stopped') data.stopped_by = human ?? authorPerson;
  if (lifecycle === 'duo_flow_resumed') data.resumed_by = human ?? authorPerson;
  const agent = c.marker && authorId !== null ? { userId: authorId, username: null, name: author.name } : undefined;
  return { ok: true, dedupeKey: c.dedupeKey, events: [c.event(lifecycle, sessionId, data)], agent };
}

/** ai_*: one decision of the agent (a tool it invoked), in its session. */
function mapAiEvent(c: AuditContext): MappedAudit {
  const { e, details, eventType } = c;
  const sessionId = idString(details.workflow_id) ?? idString(e.workflow_id) ?? idString(e.target_id);
  if (sessionId === null || !SESSION_ID_PATTERN.test(sessionId)) return { ok: false, error: 'workflow_id: the session id is missing or invalid' };
  const tool = text(details.tool_name);
  const detail: Obj = { ...details };
  for (const k of ['workflow_id', 'event_name', 'author_name', 'author_class', 'target_id', 'target_type', 'target_details', 'entity_path', 'ip_address']) delete detail[k];
  const data: Obj = {
    step: tool ?? eventType,
    decision: tool !== null ? `${eventType}: ${tool}` : eventType,
    detail,
    gitlab: c.gitlab,
  };
  if (c.human !== null) data.user = c.human;
  return { ok: true, dedupeKey: c.dedupeKey, events: [c.event('duo_flow_decision_logged', sessionId, data)] };
}

/** api_request_access_with_scope: an API call of an agent account, in the session it was running on the project then. */
async function mapApiRequest(c: AuditContext, findRunning: FindRunningSession): Promise<MappedAudit> {
  const { details, authorId: agentId, author, gitlab } = c;
  const method = (text(details.method) ?? '').toUpperCase();
  const path = text(details.request) ?? '';
  const parsed = parseApiRequest(method, path);
  const sessionId = agentId !== null && parsed.project !== null ? await findRunning(agentId, parsed.project, new Date(c.occurredAt)) : null;
  const data: Obj = {
    method,
    path,
    token_scopes: Array.isArray(details.token_scopes) ? details.token_scopes : [],
    project_ref: parsed.project,
    agent: { id: agentId, username: c.entityUsername, name: author.name },
    gitlab,
  };
  if (c.human !== null) data.user = c.human;
  if (sessionId === null) data.correlation = 'no session of this agent account was running on this project at that time';
  const events = [c.event('duo_flow_api_request', sessionId, data)];
  if (parsed.creates !== null && sessionId !== null) {
    events.push(c.event('duo_flow_resource_created', sessionId, { resource_type: parsed.creates, resource_id: 'unknown', action: 'created', request: { method, path }, gitlab }, 1));
  }
  const agent = c.marker && agentId !== null ? { userId: agentId, username: c.entityUsername, name: author.name } : undefined;
  return { ok: true, dedupeKey: c.dedupeKey, events, agent };
}

/**
 * The Duo Workflow Service sends AI events to GitLab as CloudEvents; GitLab
 * re-wraps them for streaming. Should a relay forward the CloudEvent itself,
 * read it as the streamed envelope it would have become.
 */
function fromCloudEvent(e: Obj): Obj {
  if (typeof e.specversion !== 'string' || typeof e.type !== 'string') return e;
  const data = obj(e.data);
  return {
    cloud_event_id: e.id,
    event_type: e.type,
    created_at: e.time,
    workflow_id: data.workflow_id ?? e.subject,
    details: data,
  };
}
