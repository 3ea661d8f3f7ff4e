import { viewEvents, type EventView } from '../audit/index.js';
import { eventsOfSessions, sessionEvents, type Pool, type SessionRow } from '../store/index.js';

/** The events the seed's session fields are made of: resources, plans and decisions. */
export const DETAIL_TYPES = ['duo_flow_resource_created', 'duo_flow_resource_linked', 'duo_flow_plan_generated', 'duo_flow_decision_logged'] as const;

/** A session as resolvers see it: its row, and its events read once, when a field first needs them. */
export interface SessionNode {
  row: SessionRow;
  /** Events of DETAIL_TYPES, in occurrence order. */
  details(): Promise<EventView[]>;
  /** Every event of the session, in occurrence order. */
  timeline(): Promise<EventView[]>;
}

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

/**
 * Nodes for a page of sessions. The details of the whole page are read in one
 * query the first time any node asks, so that a page of 100 sessions asking
 * for resources, plan and decisions costs two queries, not 101.
 */
export function createSessionNodes(sql: Pool, rows: readonly SessionRow[]): SessionNode[] {
  const page = once(async () => {
    const bySession = new Map<string, EventView[]>();
    for (const e of viewEvents(await eventsOfSessions(sql, rows.map((r) => r.sessionId), DETAIL_TYPES))) {
      const list = bySession.get(e.session_id ?? '') ?? [];
      list.push(e);
      bySession.set(e.session_id ?? '', list);
    }
    return bySession;
  });
  return rows.map((row) => {
    const timeline = once(async () => viewEvents(await sessionEvents(sql, row.sessionId)));
    return { row, timeline, details: async () => (await page()).get(row.sessionId) ?? [] };
  });
}

/** The node of one session: its details come from the one read of its timeline. */
export function createSessionNode(sql: Pool, row: SessionRow): SessionNode {
  const timeline = once(async () => viewEvents(await sessionEvents(sql, row.sessionId)));
  const details = async () => (await timeline()).filter((e) => (DETAIL_TYPES as readonly string[]).includes(e.type));
  return { row, timeline, details };
}
