import type { Sql } from './database.js';

/** One row of the log as verification reads it: the leaf, the columns copied from it, and its texts. */
export interface VerifyRow {
  seq: number;
  leaf: string | null;
  leafHash: Buffer;
  eventId: string;
  type: string;
  sessionId: string | null;
  source: string;
  projectPath: string | null;
  username: string | null;
  /** occurred_at and recorded_at in microseconds since the epoch. */
  occurredUs: number;
  recordedUs: number;
  textSalt: Buffer | null;
  texts: Record<string, unknown> | null;
}

const columns = (sql: Sql) => sql`seq, leaf, leaf_hash, event_id::text as event_id, type, session_id, source, project_path, username,
  (extract(epoch from occurred_at) * 1000000)::int8 as occurred_us, (extract(epoch from recorded_at) * 1000000)::int8 as recorded_us,
  text_salt, texts`;

/** Every row of the log in seq order, in batches; the next batch is read while the caller works on this one. */
export async function* verifyRowBatches(sql: Sql, size = 20_000): AsyncGenerator<VerifyRow[]> {
  const read = (from: number) => sql<VerifyRow[]>`select ${columns(sql)} from audit_events where seq >= ${from} order by seq limit ${size}`;
  let pending = read(0);
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) return;
    const full = rows.length === size;
    if (full) pending = read(rows[rows.length - 1]!.seq + 1);
    yield rows;
    if (!full) return;
  }
}

/** The same for some events (those a page shows). */
export async function verifyRowsOf(sql: Sql, seqs: readonly number[]): Promise<VerifyRow[]> {
  if (seqs.length === 0) return [];
  return sql<VerifyRow[]>`select ${columns(sql)} from audit_events where seq = any(${seqs as number[]}::int8[]) order by seq`;
}

/** The seq ranges that recorded purges or erasures say they emptied (from their leaves). */
export async function recordedRanges(sql: Sql, type: 'retention_purged' | 'personal_data_erased'): Promise<[number, number][]> {
  const rows = await sql<{ leaf: string }[]>`select leaf from audit_events where type = ${type} and leaf is not null`;
  return rows.flatMap((r) => {
    let ranges: unknown;
    // A recorded purge whose leaf is not JSON covers nothing; verification reports that leaf itself.
    try {
      ranges = (JSON.parse(r.leaf) as { data?: { seq_ranges?: unknown } }).data?.seq_ranges;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return [];
    }
    return Array.isArray(ranges) ? ranges.filter((x): x is [number, number] => Array.isArray(x) && x.length === 2 && x.every(Number.isSafeInteger)) : [];
  });
}
