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
 * Everything `flowtrail verify` checks: each leaf against its hash and its
 * position, every root against its signed checkpoint, the indexed columns
 * against the leaf they were copied from, and every stored text against the
 * commitment its leaf holds.
 */
export async function verifyDatabase(sql: Sql, verifiers: NoteVerifier[], origin: string): Promise<DatabaseVerification> {
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

  const mismatched = await sql<{ seq: number }[]>`
    select seq from audit_events
    where leaf is not null and (
      (leaf::jsonb->>'seq')::bigint <> seq or leaf::jsonb->>'event_id' <> event_id::text or leaf::jsonb->>'type' <> type
      or leaf::jsonb->>'session_id' is distinct from session_id or leaf::jsonb->>'source' <> source
      or leaf::jsonb->>'project_path' is distinct from project_path or leaf::jsonb->>'username' is distinct from username
      or (leaf::jsonb->>'occurred_at')::timestamptz <> occurred_at)
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
