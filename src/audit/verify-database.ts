import { commitmentOf, commitText, verifyLog, type CheckpointStatus, type NoteVerifier } from '../integrity/index.js';
import { leafBatches, listCheckpoints, logSize, textBatches, type Sql } from '../store/index.js';

export interface DatabaseVerification {
  ok: boolean;
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
  let purged = 0;
  async function* leaves() {
    for await (const batch of leafBatches(sql, 20_000)) {
      yield batch.map((r) => {
        if (r.leaf === null) purged++;
        return { seq: r.seq, leaf: r.leaf, leafHash: r.leafHash };
      });
    }
  }
  const checkpoints = (await listCheckpoints(sql)).map((c) => ({ treeSize: c.treeSize, note: c.note }));
  const result = await verifyLog({ leaves: leaves(), checkpoints, verifiers, origin });
  const problems = [...result.problems];

  const size = await logSize(sql);
  if (size !== result.events) problems.push(`log_state says ${size} events, the table holds ${result.events}`);

  if (options.deep !== true) return { ok: result.ok && problems.length === result.problems.length, events: result.events, purged, texts: 0, checkpoints: result.checkpoints, problems };

  const mismatched = await sql<{ seq: number }[]>`
    select seq from audit_events a cross join lateral (select a.leaf::jsonb as j) l
    where a.leaf is not null and (
      (j->>'seq')::bigint <> seq or j->>'event_id' <> event_id::text or j->>'type' <> type
      or j->>'session_id' is distinct from session_id or j->>'source' <> source
      or j->>'project_path' is distinct from project_path or j->>'username' is distinct from username
      or (j->>'occurred_at')::timestamptz <> occurred_at)
    order by seq limit 20`;
  for (const m of mismatched) problems.push(`indexed columns of seq ${m.seq} differ from its leaf`);

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
  return { ok, events: result.events, purged, texts, checkpoints: result.checkpoints, problems };
}
