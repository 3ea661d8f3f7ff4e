// GitLab 19.4 "Duo flow events" webhook callbacks (X-Gitlab-Event: Duo Flow
// Callback): flow.started / flow.completed / flow.failed drive the session
// lifecycle as the audit stream does (docs/gitlab-setup.md; payloads in
// test/fixtures/gitlab-dap/).
import { SESSION_ID_PATTERN, type NewEvent } from '../events.js';
import { deterministicUuid } from './deterministic-uuid.js';
import { obj, str, type Obj } from './payload.js';


const TYPES = { 'flow.started': 'duo_flow_started', 'flow.completed': 'duo_flow_completed', 'flow.failed': 'duo_flow_failed' } as const;

export type MappedCallback = { ok: true; event: NewEvent } | { ok: false; reason: string };

/** `occurredAt`: when GitLab delivered it (the body carries no time of its own). */
export function mapFlowCallback(body: unknown, occurredAt: string): MappedCallback {
  const b = obj(body);
  const kind = str(b.event);
  if (b.object_kind !== 'duo_workflow' || kind === null || !(kind in TYPES)) return { ok: false, reason: `not a Duo flow callback (event ${kind ?? 'missing'})` };
  const eventId = str(b.event_id);
  if (eventId === null) return { ok: false, reason: 'event_id is missing' };
  const workflow = obj(b.workflow);
  const sessionId = str(workflow.id);
  if (sessionId === null || !SESSION_ID_PATTERN.test(sessionId)) return { ok: false, reason: 'workflow.id is missing or invalid' };
  const project = obj(b.project);
  const user = obj(b.user);
  const gitlab: Obj = { event: kind, event_id: eventId, client_reference: str(b.client_reference), workflow_status: str(workflow.status), web_url: str(workflow.web_url) };
  const data: Obj = { gitlab };
  const type = TYPES[kind as keyof typeof TYPES];
  if (type === 'duo_flow_started') {
    data.user = { id: str(user.id), username: str(user.username) };
    data.project = { id: str(project.id), path: str(project.path_with_namespace) };
  }
  if (type === 'duo_flow_completed') data.outcome_summary = str(obj(b.result).message);
  if (type === 'duo_flow_failed') {
    const error = obj(b.error);
    data.error_category = 'gitlab_flow_callback';
    data.error_code = str(error.reason) ?? 'unknown';
    data.error_message = str(error.message) ?? str(error.reason) ?? 'GitLab reported the flow as failed';
    data.failed_at_step = 'unknown';
  }
  return {
    ok: true,
    event: {
      eventId: deterministicUuid(`gitlab_webhook:duo_flow_callback:${eventId}`),
      type,
      sessionId,
      occurredAt,
      source: 'gitlab_webhook',
      sourceType: `Duo Flow Callback ${kind}`,
      sourceId: eventId,
      projectPath: str(project.path_with_namespace),
      username: str(user.username),
      data,
    },
  };
}
