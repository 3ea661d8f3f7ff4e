import { catalog, eventNames, type NewEvent } from '../events.js';
import { replaySession, resolveOwnership } from '../sessions/index.js';
import { agentUsername, eventsOutsideWindow, lastOwnEventAt, flagViolations, refreshResourceCounts, saveSessionProjection, sessionEventsOfTypes, type SessionTotals, type Sql } from '../store/index.js';
import type { LogWriter } from './log-writer.js';
import { systemEvent } from './system-event.js';

// What the projection reads in full (lifecycle, resources, authorization) and what it checks only outside the running window.
const lifecycleOf = (n: string) => (catalog[n as keyof typeof catalog] as { lifecycle?: string }).lifecycle;
const CORE_TYPES = eventNames.filter((n) => {
  const role = lifecycleOf(n);
  return (role !== undefined && role !== 'activity') || n === 'duo_flow_resource_created' || n.startsWith('duo_flow_authorization_');
});
const ACTIVITY_TYPES = eventNames.filter((n) => lifecycleOf(n) === 'activity' && n !== 'duo_flow_resource_created');

/** What one appended batch brought to a session. */
export interface SessionBatch {
  count: number;
  first: Date;
  last: Date;
  /** The newest of the batch's own events (not flowtrail's, source 'system'): what last_event_at shows. */
  lastOwn: Date | null;
  source: string;
  /** Whether the batch holds an event that can change the session beyond its counts. */
  changesLifecycle: boolean;
  /** Whether the batch holds a resource event (created or linked): what the session produced is counted again. */
  resources: boolean;
}

const RESOURCE_TYPES = new Set(['duo_flow_resource_created', 'duo_flow_resource_linked']);

export function addToBatch(touched: Map<string, SessionBatch>, e: NewEvent): void {
  const at = new Date(e.occurredAt);
  const core = !ACTIVITY_TYPES.includes(e.type);
  const own = e.source === 'system' ? null : at;
  const b = touched.get(e.sessionId!);
  if (b === undefined) {
    touched.set(e.sessionId!, { count: 1, first: at, last: at, lastOwn: own, source: e.source, changesLifecycle: core, resources: RESOURCE_TYPES.has(e.type) });
    return;
  }
  b.resources ||= RESOURCE_TYPES.has(e.type);
  if (own !== null && (b.lastOwn === null || own > b.lastOwn)) b.lastOwn = own;
  b.count++;
  b.changesLifecycle ||= core;
  if (at < b.first) b.first = at;
  if (at > b.last) b.last = at;
}

/**
 * Splits the sessions a batch touched: activity inside a running session (the
 * common case) only adds to its counts, all such sessions in one statement;
 * anything else needs the session recomputed.
 */
export function planProjection(touched: ReadonlyMap<string, SessionBatch>, totals: ReadonlyMap<string, SessionTotals>) {
  const countOnly: { sessionId: string; count: number; last: Date | null }[] = [];
  const recompute: { sessionId: string; batch: SessionBatch; totals: SessionTotals | null }[] = [];
  for (const [sessionId, b] of touched) {
    const t = totals.get(sessionId) ?? null;
    if (!b.changesLifecycle && t?.startedAt != null && b.first >= t.startedAt && (t.endedAt === null || b.last <= t.endedAt)) {
      countOnly.push({ sessionId, count: b.count, last: b.lastOwn });
    } else {
      recompute.push({ sessionId, batch: b, totals: t });
    }
  }
  return { countOnly, recompute };
}

/**
 * Recomputes a session's projection from its lifecycle events (few) plus the
 * activity events outside its running window (normally none), so the cost
 * does not grow with the number of decisions a session logs. A violation seen
 * for the first time is appended as duo_flow_lifecycle_violation.
 */
export async function projectSession(tx: Sql, w: LogWriter, sessionId: string, b: SessionBatch, totals: SessionTotals | null): Promise<void> {
  // last_event_at is the session's last own event: flowtrail's own (footer restored, authorization checked) do not move it.
  // Read with the lifecycle events (one round trip: the driver pipelines them); the violations appended below are flowtrail's.
  const [core, lastOwn] = await Promise.all([sessionEventsOfTypes(tx, sessionId, CORE_TYPES), lastOwnEventAt(tx, sessionId)]);
  const window = replaySession(core);
  // With no start at all, one stray event is enough to say so; with one, every event outside the window counts.
  const outside = await eventsOutsideWindow(tx, sessionId, ACTIVITY_TYPES, window.startedAt, window.endedAt, window.startedAt === null ? 1 : 1000);
  const timeline = [...core, ...outside].sort((x, y) => x.occurredAt.getTime() - y.occurredAt.getTime() || x.seq - y.seq);
  const replayed = replaySession(timeline);
  // Who owns the session is decided by source and log order, not by the replay: a disagreeing statement is flagged too.
  const owner = resolveOwnership(core);
  const state = { ...replayed, violations: [...replayed.violations, ...owner.conflicts] };
  let appended = 0;
  if (state.violations.length > 0) {
    for (const f of await flagViolations(tx, sessionId, state.violations)) {
      const violating = timeline.find((t) => t.eventId === f.eventId);
      w.append(systemEvent('duo_flow_lifecycle_violation', sessionId, violating?.occurredAt.toISOString() ?? new Date().toISOString(), {
        violating_event_id: f.eventId,
        violating_type: violating?.type ?? 'unknown',
        rule: f.rule,
      }));
      appended++;
    }
  }
  const auth = [...core].reverse().find((t) => t.type === 'duo_flow_authorization_verified' || t.type === 'duo_flow_authorization_unverified');
  await saveSessionProjection(tx, sessionId, state, {
    eventsCount: (totals?.eventsCount ?? 0) + b.count + appended,
    firstOccurredAt: totals === null || b.first < totals.firstOccurredAt ? b.first : totals.firstOccurredAt,
    lastOccurredAt: lastOwn ?? totals?.lastOccurredAt ?? b.first,
    source: b.source,
    agentUsername: await agentUsername(tx, owner.agent.id ?? null),
    authorizationVerified: auth === undefined ? null : { status: auth.type.endsWith('_unverified') ? 'unverified' : 'verified', ...auth.data },
    owner,
  });
  if (b.resources) await refreshResourceCounts(tx, sessionId);
}
