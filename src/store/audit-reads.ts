import type postgres from 'postgres';
import type { Sql } from './database.js';
import { projectFilter } from './sessions.js';

export interface StoredEvent {
  seq: number;
  leaf: string | null;
  leafHash: Buffer;
  textSalt: Buffer | null;
  texts: Record<string, unknown> | null;
  purgedAt: Date | null;
}

export interface LeafRow {
  seq: number;
  leaf: string | null;
  leafHash: Buffer;
}

export interface EventFilters {
  sessionId?: string;
  type?: string;
  /** Every event of the sessions this GitLab user initiated, and the session-less events naming them. */
  username?: string;
  /** Every event of this project's sessions (path, or numeric id), and the session-less events carrying its path. */
  project?: string;
  /** Every event of the sessions of this flow type. */
  flowType?: string;
  from?: Date;
  to?: Date;
  /** Restrict to sessions initiated by this user (the `user` role). */
  ownerUsername?: string;
}

/**
 * Where the events a filter selects live, as conditions on audit_events to
 * read each on its own and join (union all): with a user, project or flow type
 * filter, the events of the sessions it selects (read through the sessions'
 * indexes, then each session's) and, without a flow type, the session-less
 * events naming that user or project (a small partial index); else the whole
 * log. One function for the API, the export and the dashboard, so the page and
 * its export list the same events.
 */
export function eventSources(sql: Sql, f: Pick<EventFilters, 'username' | 'project' | 'flowType'>) {
  if (f.username === undefined && f.project === undefined && f.flowType === undefined) return [sql`true`];
  const sources = [sql`session_id in (select session_id from sessions where true
    ${f.username !== undefined ? sql`and username = ${f.username}` : sql``}
    ${f.project !== undefined ? projectFilter(sql, f.project) : sql``}
    ${f.flowType !== undefined ? sql`and flow_type = ${f.flowType}` : sql``})`];
  if (f.flowType === undefined) {
    sources.push(sql`session_id is null
      ${f.username !== undefined ? sql`and username = ${f.username}` : sql``}
      ${f.project !== undefined ? sql`and project_path = ${f.project}` : sql``}`);
  }
  return sources;
}

type Fragment = postgres.PendingQuery<postgres.Row[]>;

/** The parts joined by union all (one part: itself). */
export function unionAll(sql: Sql, parts: readonly Fragment[]): Fragment {
  return parts.slice(1).reduce((all, part) => sql`${all} union all ${part}`, parts[0]!);
}

/**
 * The query of the events `f` selects: `select(where)` reads one source of
 * eventSources (in `order`, at most `limit`); with several sources their
 * union, in the same order and limit.
 */
export function fromEventSources(sql: Sql, f: Pick<EventFilters, 'username' | 'project' | 'flowType'>, select: (where: Fragment) => Fragment, order: Fragment, limit: number): Fragment {
  const parts = eventSources(sql, f).map(select);
  return parts.length === 1 ? parts[0]! : sql`select * from (${unionAll(sql, parts)}) e order by ${order} limit ${limit}`;
}

/** Keyset page of the log, by seq ascending (after) or descending (before). */
export async function listEvents(sql: Sql, f: EventFilters, limit: number, cursor?: { after?: number; before?: number }): Promise<StoredEvent[]> {
  const desc = cursor?.after === undefined;
  const order = desc ? sql`seq desc` : sql`seq asc`;
  const common = sql`
      ${f.sessionId !== undefined ? sql`and session_id = ${f.sessionId}` : sql``}
      ${f.type !== undefined ? sql`and type = ${f.type}` : sql``}
      ${f.ownerUsername !== undefined ? sql`and session_id in (select session_id from sessions where username = ${f.ownerUsername})` : sql``}
      ${f.from !== undefined ? sql`and occurred_at >= ${f.from}` : sql``}
      ${f.to !== undefined ? sql`and occurred_at < ${f.to}` : sql``}
      ${cursor?.after !== undefined ? sql`and seq > ${cursor.after}` : sql``}
      ${cursor?.before !== undefined ? sql`and seq < ${cursor.before}` : sql``}`;
  const columns = sql`seq, leaf, leaf_hash, text_salt, texts, purged_at`;
  return sql<StoredEvent[]>`${fromEventSources(sql, f, (where) => sql`(select ${columns} from audit_events where ${where} ${common} order by ${order} limit ${limit})`, order, limit)}`;
}

/**
 * One page of a session's timeline in occurrence order (occurred_at, seq):
 * at most `limit` events, starting after the event `afterSeq` when given.
 * Null when `afterSeq` is not an event of this session.
 */
export async function sessionTimeline(sql: Sql, sessionId: string, limit: number, afterSeq?: number): Promise<StoredEvent[] | null> {
  if (afterSeq === undefined) {
    return sql<StoredEvent[]>`select seq, leaf, leaf_hash, text_salt, texts, purged_at from audit_events
      where session_id = ${sessionId} order by occurred_at, seq limit ${limit}`;
  }
  // occurred_at travels as text: a JS Date would drop its microseconds and repeat events on the next page.
  const [cursor] = await sql<{ at: string }[]>`select occurred_at::text as at from audit_events where seq = ${afterSeq} and session_id = ${sessionId}`;
  if (cursor === undefined) return null;
  return sql<StoredEvent[]>`select seq, leaf, leaf_hash, text_salt, texts, purged_at from audit_events
    where session_id = ${sessionId} and (occurred_at, seq) > (${cursor.at}::timestamptz, ${afterSeq}::bigint)
    order by occurred_at, seq limit ${limit}`;
}

/** Which end of a session's events of some types to read, and how many. */
export interface TypeSlice {
  types: readonly string[];
  /** The earliest (`first`) or the latest (`last`) by occurrence. */
  end: 'first' | 'last';
  limit: number;
}

/**
 * A session's events of the given types, each slice read from its end of the
 * session and limited, merged in occurrence order: what a page needs of the
 * session (its start, latest plan, end, decisions, resources) without reading
 * the rest. `full` tells for each slice whether it holds every such event.
 */
export async function sessionEventSlices(sql: Sql, sessionId: string, slices: readonly TypeSlice[]): Promise<{ rows: StoredEvent[]; full: boolean[] }> {
  type Row = StoredEvent & { occurredUs: number };
  // Microseconds since the epoch (exact in a double): the merge must order events as the database does.
  const reads = await Promise.all(slices.map((s) => sql<Row[]>`
    select seq, leaf, leaf_hash, text_salt, texts, purged_at, (extract(epoch from occurred_at) * 1000000)::float8 as occurred_us from audit_events
    where session_id = ${sessionId} and type = any(${s.types as string[]}::text[])
    order by ${s.end === 'first' ? sql`occurred_at, seq` : sql`occurred_at desc, seq desc`} limit ${s.limit + 1}`));
  const bySeq = new Map<number, Row>();
  reads.forEach((r, i) => r.slice(0, slices[i]!.limit).forEach((row) => bySeq.set(row.seq, row)));
  const rows = [...bySeq.values()].sort((a, b) => a.occurredUs - b.occurredUs || a.seq - b.seq);
  return {
    rows: rows.map(({ occurredUs: _o, ...r }) => r),
    full: reads.map((r, i) => r.length <= slices[i]!.limit),
  };
}

/**
 * Events of several sessions at once (a page of sessions), each slice read
 * from its end of each session and limited, each session's in occurrence
 * order: one query however many sessions, and bounded however many events
 * they hold.
 */
export async function eventsOfSessions(sql: Sql, sessionIds: readonly string[], slices: readonly TypeSlice[]): Promise<StoredEvent[]> {
  if (sessionIds.length === 0 || slices.length === 0) return [];
  const parts = slices.map((s) => sql`(select seq, leaf, leaf_hash, text_salt, texts, purged_at, session_id, occurred_at from audit_events a
    where a.session_id = s.id and a.type = any(${s.types as string[]}::text[])
    order by ${s.end === 'first' ? sql`a.occurred_at, a.seq` : sql`a.occurred_at desc, a.seq desc`} limit ${s.limit})`);
  const union = parts.slice(1).reduce((all, part) => sql`${all} union ${part}`, parts[0]!);
  return sql<StoredEvent[]>`select e.seq, e.leaf, e.leaf_hash, e.text_salt, e.texts, e.purged_at
    from unnest(${sessionIds as string[]}::text[]) as s(id) cross join lateral (${union}) e
    order by e.session_id, e.occurred_at, e.seq`;
}

/**
 * Leaves in seq order, in batches, for verification and proofs. The next
 * batch is already being read while the caller works on the current one.
 */
export async function* leafBatches(sql: Sql, batchSize = 5000, from = 0): AsyncGenerator<LeafRow[]> {
  const read = (after: number) => sql<LeafRow[]>`select seq, leaf, leaf_hash from audit_events
    where seq >= ${after} order by seq limit ${batchSize}`;
  let pending = read(from);
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) return;
    const full = rows.length === batchSize;
    if (full) pending = read(rows[rows.length - 1]!.seq + 1);
    yield rows;
    if (!full) return;
  }
}

export async function logSize(sql: Sql): Promise<number> {
  const [row] = await sql<{ size: number }[]>`select size from log_state where id = 1`;
  return row?.size ?? 0;
}
