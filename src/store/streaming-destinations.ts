import type { Sql } from './database.js';
import type { StoredEvent } from './audit-reads.js';

export const DESTINATION_TYPES = ['http', 'splunk_hec', 'syslog'] as const;
export type DestinationType = (typeof DESTINATION_TYPES)[number];
export const DESTINATION_FORMATS = ['gitlab', 'ocsf', 'cef', 'ndjson'] as const;
export type DestinationFormat = (typeof DESTINATION_FORMATS)[number];

export interface DestinationRow {
  id: string;
  name: string;
  type: DestinationType;
  url: string;
  format: DestinationFormat;
  /** The token sealed with AES-256-GCM (src/stream/seal-secret.ts), or null. */
  tokenSealed: Buffer | null;
  /** The environment variable holding the token (`env:NAME` in the API), or null. */
  tokenEnv: string | null;
  tlsCa: string | null;
  filterTypes: string[];
  filterProjects: string[];
  active: boolean;
  /** The last seq delivered or passed over by the filters; -1 before the first. */
  cursorSeq: number;
  deliveredAt: Date | null;
  deliveredTotal: number;
  failuresTotal: number;
  failingSince: Date | null;
  lastError: string | null;
  pausedAt: Date | null;
  pausedReason: string | null;
  createdAt: Date;
  createdBy: string | null;
  updatedAt: Date;
}

export type DestinationFields = Pick<DestinationRow, 'name' | 'type' | 'url' | 'format' | 'tokenSealed' | 'tokenEnv' | 'tlsCa' | 'filterTypes' | 'filterProjects' | 'active'>;

const UNIQUE_VIOLATION = '23505';
const isUnique = (e: unknown) => (e as { code?: string }).code === UNIQUE_VIOLATION;

/** Inserts a destination whose cursor starts at `cursorSeq`; null when the name is taken. */
export async function insertDestination(sql: Sql, id: string, f: DestinationFields, cursorSeq: number, createdBy: string): Promise<DestinationRow | null> {
  try {
    const [row] = await sql<DestinationRow[]>`
      insert into streaming_destinations (id, name, type, url, format, token_sealed, token_env, tls_ca, filter_types, filter_projects, active, cursor_seq, created_by)
      values (${id}, ${f.name}, ${f.type}, ${f.url}, ${f.format}, ${f.tokenSealed}, ${f.tokenEnv}, ${f.tlsCa},
        ${f.filterTypes}::text[], ${f.filterProjects}::text[], ${f.active}, ${cursorSeq}, ${createdBy})
      returning *`;
    return row!;
  } catch (e) {
    if (isUnique(e)) return null;
    throw e;
  }
}

export async function listDestinations(sql: Sql): Promise<DestinationRow[]> {
  return sql<DestinationRow[]>`select * from streaming_destinations order by created_at, id`;
}

export async function getDestination(sql: Sql, id: string): Promise<DestinationRow | null> {
  const [row] = await sql<DestinationRow[]>`select * from streaming_destinations where id = ${id}`;
  return row ?? null;
}

/**
 * Replaces a destination's settings. A change of settings is a fresh start
 * for its failure state: a paused destination resumes where its cursor is.
 * Null when there is no such destination; 'conflict' when the name is taken.
 */
export async function updateDestination(sql: Sql, id: string, f: DestinationFields): Promise<DestinationRow | null | 'conflict'> {
  try {
    const [row] = await sql<DestinationRow[]>`
      update streaming_destinations set name = ${f.name}, type = ${f.type}, url = ${f.url}, format = ${f.format},
        token_sealed = ${f.tokenSealed}, token_env = ${f.tokenEnv}, tls_ca = ${f.tlsCa},
        filter_types = ${f.filterTypes}::text[], filter_projects = ${f.filterProjects}::text[], active = ${f.active},
        paused_at = null, paused_reason = null, failing_since = null, updated_at = now()
      where id = ${id} returning *`;
    return row ?? null;
  } catch (e) {
    if (isUnique(e)) return 'conflict';
    throw e;
  }
}

export async function deleteDestination(sql: Sql, id: string): Promise<DestinationRow | null> {
  const [row] = await sql<DestinationRow[]>`delete from streaming_destinations where id = ${id} returning *`;
  return row ?? null;
}

/**
 * Moves the cursor from `from` to `to` after a delivery: only when it is still
 * at `from`, so a process that lost the destination's lease while sending
 * never moves it back or skips what another delivered. Returns whether it moved.
 */
export async function advanceCursor(sql: Sql, id: string, from: number, to: number, delivered: number): Promise<boolean> {
  const rows = await sql`
    update streaming_destinations set cursor_seq = ${to}, delivered_total = delivered_total + ${delivered},
      delivered_at = case when ${delivered}::int > 0 then now() else delivered_at end,
      failing_since = null, last_error = null
    where id = ${id} and cursor_seq = ${from} returning id`;
  return rows.length === 1;
}

/** Records a failed attempt; pauses the destination when it has been failing since before `pauseBefore` seconds ago. Returns the row. */
export async function recordFailure(sql: Sql, id: string, error: string, pauseAfterSeconds: number): Promise<DestinationRow | null> {
  const [row] = await sql<DestinationRow[]>`
    update streaming_destinations set failures_total = failures_total + 1, last_error = ${error},
      failing_since = coalesce(failing_since, now()),
      paused_at = case when coalesce(failing_since, now()) <= now() - make_interval(secs => ${pauseAfterSeconds}) then now() else paused_at end,
      paused_reason = case when coalesce(failing_since, now()) <= now() - make_interval(secs => ${pauseAfterSeconds})
        then 'failing since ' || to_char(coalesce(failing_since, now()) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC: ' || ${error}
        else paused_reason end
    where id = ${id} returning *`;
  return row ?? null;
}

/** The events after `afterSeq` and before `head` (the log's committed size) that the filters select, in seq order. */
export async function readStreamBatch(sql: Sql, afterSeq: number, head: number, filters: { types: readonly string[]; projects: readonly string[] }, limit: number): Promise<StoredEvent[]> {
  const types = filters.types.length > 0 ? sql`and type = any(${filters.types as string[]}::text[])` : sql``;
  const projects = filters.projects.length > 0
    ? sql`and (project_path = any(${filters.projects as string[]}::text[]) or session_id in (
        select session_id from sessions where project_path = any(${filters.projects as string[]}::text[]) or project_id = any(${filters.projects as string[]}::text[])))`
    : sql``;
  return sql<StoredEvent[]>`
    select seq, leaf, leaf_hash, text_salt, texts, purged_at from audit_events
    where seq > ${afterSeq} and seq < ${head} ${types} ${projects}
    order by seq limit ${limit}`;
}

/** When the first event after `cursorSeq` was recorded (null when none is waiting), for the lag in seconds. */
export async function oldestWaiting(sql: Sql, cursorSeq: number): Promise<Date | null> {
  const [row] = await sql<{ recordedAt: Date }[]>`select recorded_at from audit_events where seq = ${cursorSeq + 1}`;
  return row?.recordedAt ?? null;
}
