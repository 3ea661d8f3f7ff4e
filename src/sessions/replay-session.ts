// Replays a session's events in occurred_at order (not arrival order) to get
// its status, its times and attributes, and the lifecycle rules it breaks.
import { catalog, isEventName, type SessionStatus } from '../events.js';

export interface TimelineEntry {
  seq: number;
  eventId: string;
  type: string;
  occurredAt: Date;
  /** Where the event came from (flow_api, gitlab_audit_stream, ...): ranks who may say who owns the session. */
  source?: string;
  /** Leaf data, needed only for start/create/terminal/delete entries. */
  data?: Record<string, unknown>;
}

export interface Violation {
  eventId: string;
  type: string;
  rule: string;
}

export interface SessionState {
  status: SessionStatus;
  deleted: boolean;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  resourcesCreated: number;
  resourcesCreatedBeforeFailure: number | null;
  start: Record<string, unknown> | null;
  create: Record<string, unknown> | null;
  terminal: { type: string; data: Record<string, unknown> } | null;
  violations: Violation[];
}

/** `entries` must be sorted by (occurredAt, seq); the store's query does that. */
export function replaySession(entries: readonly TimelineEntry[]): SessionState {
  let status: SessionStatus = 'created';
  let started: TimelineEntry | null = null;
  let ended: TimelineEntry | null = null;
  let create: TimelineEntry | null = null;
  let deleted = false;
  let resources = 0;
  let resourcesBeforeEnd = 0;
  const violations: Violation[] = [];
  const flag = (e: TimelineEntry, rule: string) => violations.push({ eventId: e.eventId, type: e.type, rule });

  for (const e of entries) {
    if (!isEventName(e.type)) continue;
    const c = catalog[e.type] as (typeof catalog)[keyof typeof catalog] & { lifecycle?: string; status?: SessionStatus };
    if (e.type === 'duo_flow_resource_created') {
      resources++;
      if (ended === null) resourcesBeforeEnd++;
    }
    switch (c.lifecycle) {
      case 'create':
        if (create === null) create = e;
        break;
      case 'delete':
        deleted = true;
        break;
      case 'start':
        if (ended !== null) flag(e, 'after_terminal');
        else if (started !== null) flag(e, 'started_twice');
        else {
          started = e;
          status = 'running';
        }
        break;
      case 'activity':
        if (ended !== null) flag(e, 'after_terminal');
        else if (started === null) flag(e, 'before_started');
        break;
      case 'pause':
        if (ended !== null) flag(e, 'after_terminal');
        else if (started === null) flag(e, 'before_started');
        else if (status === 'paused') flag(e, 'paused_twice');
        else status = 'paused';
        break;
      case 'resume':
        if (ended !== null) flag(e, 'after_terminal');
        else if (started === null) flag(e, 'before_started');
        else if (status !== 'paused') flag(e, 'resumed_without_pause');
        else status = 'running';
        break;
      case 'terminal':
        if (ended !== null) {
          flag(e, 'after_terminal');
          break;
        }
        // A session may be stopped before it starts (cancelled while queued); completing or failing may not.
        if (started === null && e.type !== 'duo_flow_stopped') flag(e, 'before_started');
        ended = e;
        status = c.status ?? status;
        break;
      default:
        break;
    }
  }
  const durationMs = started !== null && ended !== null ? ended.occurredAt.getTime() - started.occurredAt.getTime() : null;
  return {
    status,
    deleted,
    startedAt: started?.occurredAt ?? null,
    endedAt: ended?.occurredAt ?? null,
    durationMs,
    resourcesCreated: resources,
    resourcesCreatedBeforeFailure: ended?.type === 'duo_flow_failed' ? resourcesBeforeEnd : null,
    start: started?.data ?? null,
    create: create?.data ?? null,
    terminal: ended === null ? null : { type: ended.type, data: ended.data ?? {} },
    violations,
  };
}
