import type postgres from 'postgres';
import type { Sql } from './database.js';
import type { EventSource, NewEvent } from '../events.js';

export interface IntakeItem {
  /** Unique forever: `flow_api:<event_id>`, `gitlab_audit:<cloud_event_id or id>`, ... */
  dedupeKey: string;
  source: EventSource;
  events: NewEvent[];
}

export interface PendingIntake {
  id: number;
  events: NewEvent[];
}

/**
 * Stores accepted submissions durably; returns the dedupe keys that were new
 * (the rest are duplicates: waiting in the intake, or already in the log).
 */
export async function saveIntake(sql: Sql, items: readonly IntakeItem[]): Promise<Set<string>> {
  if (items.length === 0) return new Set();
  // One statement and one parameter whatever the batch size: the rows travel as a JSON array.
  const rows = items.map((i) => ({ dedupe_key: i.dedupeKey, source: i.source, events: i.events }));
  const inserted = await sql<{ dedupeKey: string }[]>`
    insert into intake (dedupe_key, source, events)
    select x.dedupe_key, x.source, x.events
    from jsonb_to_recordset(${sql.json(rows as unknown as postgres.JSONValue)}) as x(dedupe_key text, source text, events jsonb)
    where not exists (select 1 from audit_events a where a.event_id = (x.events->0->>'eventId')::uuid)
    on conflict (dedupe_key) do nothing
    returning dedupe_key`;
  return new Set(inserted.map((r) => r.dedupeKey));
}

/** Locks the oldest pending submissions for the integrator (which holds the log lock). */
export async function claimPending(tx: Sql, limit: number): Promise<PendingIntake[]> {
  const rows = await tx<{ id: number; events: NewEvent[] }[]>`
    select id, events from intake order by id limit ${limit} for update`;
  return rows.map((r) => ({ id: r.id, events: r.events }));
}

/** Removes submissions once their events are in the log (whose event ids then catch any retry). */
export async function deleteIntegrated(tx: Sql, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx`delete from intake where id = any(${ids as number[]}::bigint[])`;
}

export async function countPending(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from intake`;
  return row?.n ?? 0;
}

/**
 * Queues events flowtrail emits itself (token changes, exports) in the intake,
 * inside whatever transaction `sql` is, as the owner's purge functions do for
 * purges. The integrator drains the intake on its own (src/log/integrator.ts),
 * so a caller never has to flush it.
 */
export async function recordEvents(sql: Sql, events: readonly NewEvent[]): Promise<void> {
  await saveIntake(sql, events.map((e) => ({ dedupeKey: `${e.source}:${e.eventId}`, source: e.source, events: [e] })));
}
