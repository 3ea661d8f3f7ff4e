import { commitmentOf, commitText, verifyLog, type CheckpointStatus, type NoteVerifier } from '../integrity/index.js';
import { leafBatches, listCheckpoints, logSize, textBatches, type Sql } from '../store/index.js';

export interface DatabaseVerification {
  ok: boolean;
  /** The verifier keys the checkpoints were checked against. */
  keys: string[];
  events: number;
  purged: number;
  texts: number;
  checkpoints: CheckpointStatus[];
  problems: string[];
}

/**
 * What `flowtrail verify` checks: each leaf against its hash and its position,
 * every root against its signed checkpoint (so consecutive checkpoints are
 * consistent), and the tree size. With `deep`, also the indexed columns
 * against the leaf they were copied from and every stored text against the
 * commitment its leaf holds (reads show a tampered text as such anyway).
 */
export async function verifyDatabase(sql: Sql, verifiers: NoteVerifier[], origin: string, options: { deep?: boolean } = {}): Promise<DatabaseVerification> {
  const purgedSeqs: number[] = [];
  async function* leaves() {
    for await (const batch of leafBatches(sql, 20_000)) {
      for (const r of batch) if (r.leaf === null) purgedSeqs.push(r.seq);
      yield batch;
    }
  }
  const checkpoints = (await listCheckpoints(sql)).map((c) => ({ treeSize: c.treeSize, note: c.note }));
  const result = await verifyLog({ leaves: leaves(), checkpoints, verifiers, origin });
  const problems = [...result.problems];

  const size = await logSize(sql);
  if (size !== result.events) problems.push(`log_state says ${size} events, the table holds ${result.events}`);
  // A leaf without content is legitimate only where a recorded retention purge emptied it.
  if (purgedSeqs.length > 0) {
    const allowed = await recordedRanges(sql, 'retention_purged');
    const stray = purgedSeqs.filter((s) => !inRanges(s, allowed));
    if (stray.length > 0) problems.push(`${stray.length} leaves are empty without a retention purge that covers them (first at seq ${stray[0]})`);
  }
  const purged = purgedSeqs.length;

  const keys = verifiers.map((v) => v.verifierKey);
  if (options.deep !== true) return { ok: result.ok && problems.length === result.problems.length, keys, events: result.events, purged, texts: 0, checkpoints: result.checkpoints, problems };

  const mismatched = await sql<{ seq: number }[]>`
    select seq from audit_events a cross join lateral (select a.leaf::jsonb as j) l
    where a.leaf is not null and (
      (j->>'seq')::bigint <> seq or j->>'event_id' <> event_id::text or j->>'type' <> type
      or j->>'session_id' is distinct from session_id or j->>'source' <> source
      or j->>'project_path' is distinct from project_path or j->>'username' is distinct from username
      or (j->>'occurred_at')::timestamptz <> occurred_at)
    order by seq limit 20`;
  for (const m of mismatched) problems.push(`indexed columns of seq ${m.seq} differ from its leaf`);

  // Texts may be missing only where a recorded erasure removed them.
  const erased = await recordedRanges(sql, 'personal_data_erased');
  const missing = await sql<{ seq: number }[]>`
    select seq from audit_events where leaf is not null and texts is null and strpos(leaf, '"$commitment"') > 0 order by seq`;
  for (const m of missing.filter((x) => !inRanges(x.seq, erased)).slice(0, 20)) {
    problems.push(`texts of seq ${m.seq} are missing though its leaf commits to them`);
  }

  let texts = 0;
  let last = -1;
  for (;;) {
    const rows = await textBatches(sql, last, 5000);
    if (rows.length === 0) break;
    for (const r of rows) {
      for (const [field, value] of Object.entries(r.texts)) {
        texts++;
        if (commitmentOf(r.data?.[field]) !== commitText(field, value, r.textSalt) && problems.length < 1000) {
          problems.push(`text "${field}" of seq ${r.seq} does not match the commitment in its leaf`);
        }
      }
    }
    last = rows[rows.length - 1]!.seq;
    if (rows.length < 5000) break;
  }
  const ok = result.ok && problems.length === result.problems.length;
  return { ok, keys, events: result.events, purged, texts, checkpoints: result.checkpoints, problems };
}

function inRanges(seq: number, ranges: readonly [number, number][]): boolean {
  return ranges.some(([a, b]) => seq >= a && seq <= b);
}

/** The seq ranges that recorded purges or erasures say they emptied. */
async function recordedRanges(sql: Sql, type: 'retention_purged' | 'personal_data_erased'): Promise<[number, number][]> {
  const rows = await sql<{ leaf: string }[]>`select leaf from audit_events where type = ${type} and leaf is not null`;
  return rows.flatMap((r) => {
    const ranges = (JSON.parse(r.leaf) as { data?: { seq_ranges?: unknown } }).data?.seq_ranges;
    return Array.isArray(ranges) ? ranges.filter((x): x is [number, number] => Array.isArray(x) && x.length === 2) : [];
  });
}
