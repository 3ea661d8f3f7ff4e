import { ALERT_TYPES } from '../events.js';
import { sessionEventSlices, type Sql, type TypeSlice } from '../store/index.js';
import { viewEvents, type EventView } from './event-view.js';

/** At most this many resources, decisions and alerts of one session are shown (the earliest); the timeline pages hold them all. */
export const DETAIL_LIMIT = 1000;

export interface SessionDetails {
  /** In occurrence order: the first start, the latest plan, end and archive, and the first DETAIL_LIMIT resources, decisions, alerts, pauses and resumes. */
  events: EventView[];
  /** False where a list was cut at DETAIL_LIMIT. */
  complete: { resources: boolean; decisions: boolean; alerts: boolean };
}

const slices: readonly TypeSlice[] = [
  { types: ['duo_flow_resource_created', 'duo_flow_resource_linked'], end: 'first', limit: DETAIL_LIMIT },
  { types: ['duo_flow_decision_logged'], end: 'first', limit: DETAIL_LIMIT },
  { types: ALERT_TYPES, end: 'first', limit: DETAIL_LIMIT },
  { types: ['duo_flow_started'], end: 'first', limit: 1 },
  { types: ['duo_flow_plan_generated'], end: 'last', limit: 1 },
  { types: ['duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped'], end: 'last', limit: 1 },
  { types: ['duo_flow_activity_archived'], end: 'last', limit: 1 },
  { types: ['duo_flow_paused', 'duo_flow_resumed'], end: 'first', limit: DETAIL_LIMIT },
];

/**
 * What the session's page, REST answer and GraphQL fields show besides the
 * timeline (resources, input, plan, decisions, outcome, alerts), read by type
 * and bounded, never by reading the whole session.
 */
export async function sessionDetails(sql: Sql, sessionId: string): Promise<SessionDetails> {
  const { rows, full } = await sessionEventSlices(sql, sessionId, slices);
  return { events: viewEvents(rows), complete: { resources: full[0]!, decisions: full[1]!, alerts: full[2]! } };
}
