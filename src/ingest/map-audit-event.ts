// Maps one GitLab audit streaming event to flowtrail events (SPEC "Ingest";
// research/gitlab-dap-events.md). Pure apart from the injected lookups: the
// session an agent account was running at a moment, and whether an author is
// a known agent account.
import { SESSION_ID_PATTERN, type EventName, type NewEvent } from '../events.js';
import { deterministicUuid, globToRegExp } from '../gitlab/index.js';
import { parseApiRequest } from './parse-api-request.js';

type Obj = Record<string, unknown>;

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
const ON_BEHALF = / on behalf of @([A-Za-z0-9_.-]+)$/;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const idString = (v: unknown): string | null => (typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' && v !== '' ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export async function mapAuditEvent(raw: unknown, headerType: string | undefined, lookups: AuditLookups): Promise<MappedAudit> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'an audit event must be a JSON object' };
  const e = fromCloudEvent(raw as Obj);
  const details = obj(e.details);
  const eventType = text(e.event_type) ?? text(e.event_name) ?? text(details.event_name) ?? text(headerType);
  if (eventType === null) return { ok: false, error: 'event_type: is required' };
  const key = idString(e.cloud_event_id) ?? idString(e.id);
  if (key === null) return { ok: false, error: 'id: is required (or cloud_event_id)' };
  const createdAt = text(e.created_at);
  if (createdAt === null || Number.isNaN(Date.parse(createdAt))) return { ok: false, error: 'created_at: must be a timestamp' };
  const occurredAt = new Date(createdAt).toISOString();
  const dedupeKey = `gitlab_audit:${key}`;
  const lifecycle = SESSION_TYPES[eventType];
  const authorId = idString(e.author_id);
  const authorName = text(e.author_name);
  // "<agent> on behalf of @<user>" is a display name, which any GitLab user can set: it names the
  // human only when the author is an agent account by GitLab's own signs, or one flowtrail already knows.
  const claim = ON_BEHALF.exec(authorName ?? '')?.[1] ?? null;
  const marked = markedHuman(details);
  const entityUsername = e.entity_type === 'User' ? text(e.entity_path) : null;
  const marker = marked !== null || hasCompositeScope(details.token_scopes)
    || (entityUsername !== null && lookups.agentPatterns.some((p) => globToRegExp(p).test(entityUsername)));
  const authorIsAgent = marker || (authorId !== null && (claim !== null || lifecycle !== undefined) && await lookups.isAgentAccount(authorId));
  const human = marked ?? (claim !== null && authorIsAgent ? { id: null, username: claim, name: null } : null);
  const author: { id: string | null; name: string | null; unverified_on_behalf_of?: string } = { id: authorId, name: authorIsAgent ? stripOnBehalf(authorName) : authorName };
  if (claim !== null && !authorIsAgent) author.unverified_on_behalf_of = claim;
  const isProject = e.entity_type === 'Project';
  const project = isProject ? { id: idString(e.entity_id), path: text(e.entity_path) } : null;
  const gitlab: Obj = {
    audit_event_id: idString(e.id),
    cloud_event_id: idString(e.cloud_event_id),
    event_type: eventType,
    author,
    entity: { type: text(e.entity_type), id: idString(e.entity_id), path: text(e.entity_path) },
    target_details: text(e.target_details),
    custom_message: text(details.custom_message),
    ip_address: text(e.ip_address) ?? text(details.ip_address),
  };
  const base = (type: EventName, sessionId: string | null, data: Obj, i = 0): NewEvent => ({
    eventId: deterministicUuid(`${dedupeKey}#${i}`),
    type,
    sessionId,
    occurredAt,
    source: 'gitlab_audit_stream',
    sourceType: eventType,
    sourceId: key,
    projectPath: project?.path ?? null,
    username: human?.username ?? null,
    data,
  });

  if (lifecycle !== undefined) {
    const sessionId = idString(e.target_id) ?? idString(details.target_id);
    if (sessionId === null || !SESSION_ID_PATTERN.test(sessionId)) return { ok: false, error: 'target_id: the session id is missing or invalid' };
    const m = TARGET_DETAILS.exec(text(e.target_details) ?? text(details.target_details) ?? '');
    const data: Obj = { gitlab };
    if (m !== null) data.flow_type = m[1];
    if (text(e.target_details)?.startsWith('[Verification Run] ')) data.verification_run = true;
    if (project !== null) data.project = project;
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
    const agent = marker && authorId !== null ? { userId: authorId, username: null, name: author.name } : undefined;
    return { ok: true, dedupeKey, events: [base(lifecycle, sessionId, data)], agent };
  }

  if (eventType.startsWith('ai_')) {
    const sessionId = idString(details.workflow_id) ?? idString(e.workflow_id) ?? idString(e.target_id);
    if (sessionId === null || !SESSION_ID_PATTERN.test(sessionId)) return { ok: false, error: 'workflow_id: the session id is missing or invalid' };
    const tool = text(details.tool_name);
    const detail: Obj = { ...details };
    for (const k of ['workflow_id', 'event_name', 'author_name', 'author_class', 'target_id', 'target_type', 'target_details', 'entity_path', 'ip_address']) delete detail[k];
    const data: Obj = {
      step: tool ?? eventType,
      decision: tool !== null ? `${eventType}: ${tool}` : eventType,
      detail,
      gitlab,
    };
    if (human !== null) data.user = human;
    return { ok: true, dedupeKey, events: [base('duo_flow_decision_logged', sessionId, data)] };
  }

  if (eventType === 'api_request_access_with_scope') {
    const method = (text(details.method) ?? '').toUpperCase();
    const path = text(details.request) ?? '';
    const parsed = parseApiRequest(method, path);
    const agentId = authorId;
    const sessionId = agentId !== null && parsed.project !== null ? await lookups.findRunning(agentId, parsed.project, new Date(occurredAt)) : null;
    const data: Obj = {
      method,
      path,
      token_scopes: Array.isArray(details.token_scopes) ? details.token_scopes : [],
      project_ref: parsed.project,
      agent: { id: agentId, username: e.entity_type === 'User' ? text(e.entity_path) : null, name: author.name },
      gitlab,
    };
    if (human !== null) data.user = human;
    if (sessionId === null) data.correlation = 'no session of this agent account was running on this project at that time';
    const events = [base('duo_flow_api_request', sessionId, data)];
    if (parsed.creates !== null && sessionId !== null) {
      events.push(base('duo_flow_resource_created', sessionId, {
        resource_type: parsed.creates,
        resource_id: 'unknown',
        action: 'created',
        request: { method, path },
        gitlab,
      }, 1));
    }
    const agent = marker && agentId !== null ? { userId: agentId, username: entityUsername, name: author.name } : undefined;
    return { ok: true, dedupeKey, events, agent };
  }

  const workflow = e.target_type === 'Ai::DuoWorkflows::Workflow' ? idString(e.target_id) : null;
  return {
    ok: true,
    dedupeKey,
    events: [base('gitlab_audit_event', workflow !== null && SESSION_ID_PATTERN.test(workflow) ? workflow : null, { event_type: eventType, details: e })],
  };
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

/** The human GitLab itself names under composite identity (19.3+: details.human_author_*, set by GitLab, not by the author). */
function markedHuman(details: Obj): { id: string | null; username: string | null; name: string | null } | null {
  const username = text(details.human_author_username);
  const id = idString(details.human_author_id);
  return username !== null || id !== null ? { id, username, name: text(details.human_author_name) } : null;
}

/** A composite-identity token carries its human as a `user:<id>` scope: the token's own user is an agent account. */
function hasCompositeScope(scopes: unknown): boolean {
  return Array.isArray(scopes) && scopes.some((s) => typeof s === 'string' && /^user:\d+$/.test(s));
}

function stripOnBehalf(name: string | null): string | null {
  return name === null ? null : name.replace(ON_BEHALF, '');
}
