import type postgres from 'postgres';
import type { Sql } from './database.js';

export interface NewDelivery {
  dedupeKey: string;
  eventName: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Stores webhook deliveries and the job that will process each, in one
 * statement (a delivery and its job both exist or neither, and many
 * deliveries share one round trip and one commit). Answers, in order, each
 * delivery's id, or null when its key was seen before (a redelivery, or an
 * earlier delivery of the same batch).
 */
export async function saveDeliveries(sql: Sql, ds: readonly NewDelivery[], jobName: string): Promise<(number | null)[]> {
  if (ds.length === 0) return [];
  // The rows travel as one JSON parameter, whatever the batch size.
  const rows = ds.map((d, i) => ({ i, dedupe_key: d.dedupeKey, event_name: d.eventName, headers: d.headers, body: d.body }));
  const saved = await sql<{ id: number; dedupeKey: string }[]>`
    with d as (
      insert into deliveries (dedupe_key, event_name, headers, body)
      select x.dedupe_key, x.event_name, x.headers, x.body
      from jsonb_to_recordset(${sql.json(rows as unknown as postgres.JSONValue)}) as x(i int, dedupe_key text, event_name text, headers jsonb, body jsonb)
      order by x.i
      on conflict (dedupe_key) do nothing returning id, dedupe_key),
    j as (insert into jobs (name, payload) select ${jobName}, jsonb_build_object('delivery_id', id) from d)
    select id, dedupe_key from d`;
  const ids = new Map(saved.map((r) => [r.dedupeKey, r.id]));
  // The first delivery of a key gets its id; a repeat within the batch is a duplicate like any other.
  return ds.map((d) => {
    const id = ids.get(d.dedupeKey);
    ids.delete(d.dedupeKey);
    return id ?? null;
  });
}

/** One delivery: see saveDeliveries. */
export async function saveDelivery(sql: Sql, d: NewDelivery, jobName: string): Promise<number | null> {
  return (await saveDeliveries(sql, [d], jobName))[0] ?? null;
}

export async function getDelivery(sql: Sql, id: number): Promise<{ id: number; eventName: string; headers: Record<string, string>; body: unknown; receivedAt: Date } | null> {
  const [row] = await sql<{ id: number; eventName: string; headers: Record<string, string>; body: unknown; receivedAt: Date }[]>`
    select id, event_name, headers, body, received_at from deliveries where id = ${id}`;
  return row ?? null;
}
