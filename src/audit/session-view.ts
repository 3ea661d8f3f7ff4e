import type { SessionRow } from '../store/index.js';
import type { EventView } from './event-view.js';

export interface ResourceView {
  resource_type: unknown;
  resource_id: unknown;
  action: unknown;
  web_url: unknown;
  project: unknown;
  link_method: unknown;
  occurred_at: string;
  source: string;
  event_id: string;
}

const or = (v: unknown) => (v === undefined ? null : v);

/** The API and export shape of a session (snake_case, nested identities). */
export function sessionView(s: SessionRow) {
  return {
    session_id: s.sessionId,
    status: s.status,
    deleted: s.deleted,
    flow_type: s.flowType,
    project: { id: s.projectId, path: s.projectPath },
    user: { id: s.userId, username: s.username },
    agent: { id: s.agentId, username: s.agentUsername },
    started_at: s.startedAt?.toISOString() ?? null,
    ended_at: s.endedAt?.toISOString() ?? null,
    first_event_at: s.firstOccurredAt.toISOString(),
    last_event_at: s.lastOccurredAt.toISOString(),
    duration_ms: s.durationMs,
    resources_created: s.resourcesCreated,
    resources_created_before_failure: or(s.details.resources_created_before_failure),
    events_count: s.eventsCount,
    violations: s.violations,
    authorization: { reported: s.authorizationReported, verified: s.authorizationVerified },
    model: or(s.details.model),
    usage: or(s.details.usage),
    error: or(s.details.error),
    source: s.source,
    purged_at: s.purgedAt?.toISOString() ?? null,
  };
}

export function resourcesOf(timeline: readonly EventView[]): ResourceView[] {
  return timeline
    .filter((e) => e.type === 'duo_flow_resource_created' || e.type === 'duo_flow_resource_linked')
    .map((e) => ({
      resource_type: or(e.data.resource_type),
      resource_id: or(e.data.resource_id),
      action: or(e.data.action ?? (e.type === 'duo_flow_resource_linked' ? 'linked' : undefined)),
      web_url: or(e.data.web_url),
      project: or(e.data.project),
      link_method: or(e.data.link_method),
      occurred_at: e.occurred_at,
      source: e.source,
      event_id: e.event_id,
    }));
}
