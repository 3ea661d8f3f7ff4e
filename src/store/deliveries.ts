import type postgres from 'postgres';
import type { Sql } from './database.js';

export interface NewDelivery {
  dedupeKey: string;
  eventName: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Stores a webhook delivery; null when the key was seen before (a redelivery).
 * Call it in the transaction that enqueues its job, so both exist or neither.
 */
export async function saveDelivery(sql: Sql, d: NewDelivery): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`
    insert into deliveries (dedupe_key, event_name, headers, body)
    values (${d.dedupeKey}, ${d.eventName}, ${sql.json(d.headers)}, ${sql.json(d.body as postgres.JSONValue)})
    on conflict (dedupe_key) do nothing returning id`;
  return row?.id ?? null;
}

export async function getDelivery(sql: Sql, id: number): Promise<{ id: number; eventName: string; headers: Record<string, string>; body: unknown; receivedAt: Date } | null> {
  const [row] = await sql<{ id: number; eventName: string; headers: Record<string, string>; body: unknown; receivedAt: Date }[]>`
    select id, event_name, headers, body, received_at from deliveries where id = ${id}`;
  return row ?? null;
}
