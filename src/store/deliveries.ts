import type postgres from 'postgres';
import type { Sql } from './database.js';

export interface NewDelivery {
  dedupeKey: string;
  eventName: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Stores a webhook delivery and the job that will process it, in one
 * statement (so both exist or neither, in one round trip); null when the key
 * was seen before (a redelivery).
 */
export async function saveDelivery(sql: Sql, d: NewDelivery, jobName: string): Promise<number | null> {
  const [row] = await sql<{ deliveryId: number }[]>`
    with d as (
      insert into deliveries (dedupe_key, event_name, headers, body)
      values (${d.dedupeKey}, ${d.eventName}, ${sql.json(d.headers)}, ${sql.json(d.body as postgres.JSONValue)})
      on conflict (dedupe_key) do nothing returning id)
    insert into jobs (name, payload)
    select ${jobName}, jsonb_build_object('delivery_id', id) from d
    returning (payload->>'delivery_id')::bigint as delivery_id`;
  return row?.deliveryId ?? null;
}

export async function getDelivery(sql: Sql, id: number): Promise<{ id: number; eventName: string; headers: Record<string, string>; body: unknown; receivedAt: Date } | null> {
  const [row] = await sql<{ id: number; eventName: string; headers: Record<string, string>; body: unknown; receivedAt: Date }[]>`
    select id, event_name, headers, body, received_at from deliveries where id = ${id}`;
  return row ?? null;
}
