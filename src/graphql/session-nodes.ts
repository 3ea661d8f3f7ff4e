import { DETAIL_LIMIT, sessionDetails, viewEvents, type EventView } from '../audit/index.js';
import { eventsOfSessions, sessionTimeline, type Pool, type SessionRow, type TypeSlice } from '../store/index.js';

/** The events the seed's session fields are made of: resources, plans and decisions. */
export const DETAIL_TYPES = ['duo_flow_resource_created', 'duo_flow_resource_linked', 'duo_flow_plan_generated', 'duo_flow_decision_logged'] as const;

/** Of each session: the first DETAIL_LIMIT resources and decisions, and the latest plan. */
const DETAIL_SLICES: readonly TypeSlice[] = [
  { types: ['duo_flow_resource_created', 'duo_flow_resource_linked'], end: 'first', limit: DETAIL_LIMIT },
  { types: ['duo_flow_decision_logged'], end: 'first', limit: DETAIL_LIMIT },
  { types: ['duo_flow_plan_generated'], end: 'last', limit: 1 },
];

/** A page of a session's timeline: its events, and the seq of the last one when there is a next page. */
export interface TimelinePage {
  events: EventView[];
  next: number | null;
}

/** A session as resolvers see it: its row, and its events read once, when a field first needs them. */
export interface SessionNode {
  row: SessionRow;
  /** Events of DETAIL_TYPES, in occurrence order. */
  details(): Promise<EventView[]>;
  /**
   * A page of the session's events in occurrence order: `first` events after
   * the event with seq `after`; null when `after` is not an event of the
   * session. Read once per (first, after), so `timeline` and `timelineNext`
   * with the same arguments share one query.
   */
  timeline(first: number, after: number | undefined): Promise<TimelinePage | null>;
}

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

function timelinePages(sql: Pool, sessionId: string): SessionNode['timeline'] {
  const pages = new Map<string, Promise<TimelinePage | null>>();
  return (first, after) => {
    const key = `${first}:${after ?? ''}`;
    let page = pages.get(key);
    if (page === undefined) {
      page = sessionTimeline(sql, sessionId, first + 1, after).then((rows) => rows === null ? null : {
        events: viewEvents(rows.slice(0, first)),
        next: rows.length > first ? rows[first - 1]!.seq : null,
      });
      pages.set(key, page);
    }
    return page;
  };
}

/**
 * Nodes for a page of sessions. The details of the whole page are read in one
 * query the first time any node asks, so that a page of 100 sessions asking
 * for resources, plan and decisions costs two queries, not 101. Each
 * session's lists are bounded (DETAIL_SLICES) however many events it has.
 */
export function createSessionNodes(sql: Pool, rows: readonly SessionRow[]): SessionNode[] {
  const page = once(async () => {
    const bySession = new Map<string, EventView[]>();
    for (const e of viewEvents(await eventsOfSessions(sql, rows.map((r) => r.sessionId), DETAIL_SLICES))) {
      const list = bySession.get(e.session_id ?? '') ?? [];
      list.push(e);
      bySession.set(e.session_id ?? '', list);
    }
    return bySession;
  });
  return rows.map((row) => ({ row, timeline: timelinePages(sql, row.sessionId), details: async () => (await page()).get(row.sessionId) ?? [] }));
}

/** The node of one session: its details are read by type and bounded (sessionDetails), never from the whole timeline. */
export function createSessionNode(sql: Pool, row: SessionRow): SessionNode {
  const details = once(async () => (await sessionDetails(sql, row.sessionId)).events.filter((e) => (DETAIL_TYPES as readonly string[]).includes(e.type)));
  return { row, timeline: timelinePages(sql, row.sessionId), details };
}
