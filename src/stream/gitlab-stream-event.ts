import { catalog, isEventName } from '../events.js';
import type { EventView } from '../audit/index.js';

const pick = (o: unknown, key: string): unknown => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined);

/**
 * An event in the shape of GitLab's audit event streaming (the JSON body an
 * HTTP destination of GitLab receives: id, author, entity, target, details,
 * created_at, event_type), so that a receiver written for GitLab takes
 * flowtrail's events unchanged. The session is the target (as GitLab's
 * duo_session_* events target the workflow), the project the entity, and
 * what is flowtrail's own (seq, leaf hash, the event's data) sits under
 * details.flowtrail.
 */
export function gitlabStreamEvent(v: EventView): Record<string, unknown> {
  const user = pick(v.data, 'user');
  const project = pick(v.data, 'project');
  const targetDetails = v.session_id === null ? null : `${String(pick(v.data, 'flow_type') ?? 'duo_flow')} session ${v.session_id}`;
  const customMessage = isEventName(v.type) ? catalog[v.type].description : v.type;
  const entityPath = v.project_path ?? (typeof pick(project, 'path') === 'string' ? (pick(project, 'path') as string) : null);
  return {
    id: v.event_id,
    author_id: pick(user, 'id') ?? null,
    author_name: v.username ?? 'flowtrail',
    entity_id: pick(project, 'id') ?? null,
    entity_type: entityPath === null ? 'Instance' : 'Project',
    entity_path: entityPath,
    target_id: v.session_id,
    target_type: v.session_id === null ? null : 'Ai::DuoWorkflows::Workflow',
    target_details: targetDetails,
    details: {
      event_name: v.type,
      custom_message: customMessage,
      author_name: v.username ?? 'flowtrail',
      target_id: v.session_id,
      target_type: v.session_id === null ? null : 'Ai::DuoWorkflows::Workflow',
      target_details: targetDetails,
      entity_path: entityPath,
      flowtrail: {
        seq: v.seq, occurred_at: v.occurred_at, recorded_at: v.recorded_at, source: v.source, source_type: v.source_type,
        source_id: v.source_id, leaf_hash: v.leaf_hash, data: v.data,
      },
    },
    ip_address: null,
    created_at: v.occurred_at,
    event_type: v.type,
  };
}
