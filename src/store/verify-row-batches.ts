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

// One text line per event, built by PostgreSQL (which has the other core while
// Node.js verifies): decoding one column costs the driver far less than twelve
// typed ones, and the indexed columns arrive as the exact canonical-JSON text
// their leaf must hold, so checking them is a string comparison. Fields are
// separated by tabs, which none of them can hold unescaped (hex, integers,
// JSON string literals from to_json, the canonical leaf, jsonb's text output):
//  0 seq | 1 'p' when the leaf is purged | 2 leaf_hash hex | 3 text_salt hex
//  4 to_json(type) | 5 ,"event_id":E,"occurred_at": | 6 occurred_at us
//  7 ,"project_path":P,"recorded_at": | 8 recorded_at us
//  9 ,"seq":N,"session_id":S,"source":SRC,"source_id": | 10 ,"type":T,"username":U,"v":
//  11 leaf | 12 texts as jsonb prints them ('' when null)
const LINE = `seq::text || E'\\t' || case when leaf is null then 'p' else '' end || E'\\t' || encode(leaf_hash, 'hex') || E'\\t'
  || coalesce(encode(text_salt, 'hex'), '') || E'\\t' || to_json(type)::text || E'\\t'
  || ',"event_id":' || to_json(event_id::text)::text || ',"occurred_at":' || E'\\t' || (extract(epoch from occurred_at) * 1000000)::int8::text || E'\\t'
  || ',"project_path":' || coalesce(to_json(project_path)::text, 'null') || ',"recorded_at":' || E'\\t' || (extract(epoch from recorded_at) * 1000000)::int8::text || E'\\t'
  || ',"seq":' || seq::text || ',"session_id":' || coalesce(to_json(session_id)::text, 'null') || ',"source":' || to_json(source)::text || ',"source_id":' || E'\\t'
  || ',"type":' || to_json(type)::text || ',"username":' || coalesce(to_json(username)::text, 'null') || ',"v":' || E'\\t'
  || coalesce(leaf, '') || E'\\t' || coalesce(texts::text, '')`;

/** Every event of the log in seq order as verification lines (above), in batches; the next batch is read while the caller works on this one. */
export async function* verifyLineBatches(sql: Sql, size = 20_000): AsyncGenerator<{ line: string }[]> {
  const read = (from: number) => sql.unsafe<{ line: string }[]>(`select ${LINE} as line from audit_events where seq >= $1 order by seq limit ${size}`, [from]);
  let pending = read(0);
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) return;
    const full = rows.length === size;
    if (full) {
      const last = rows[rows.length - 1]!.line;
      pending = read(Number(last.slice(0, last.indexOf('\t'))) + 1);
    }
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
