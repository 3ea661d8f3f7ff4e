import { verifyLog, type CheckpointStatus, type NoteVerifier } from '../integrity/index.js';
import { listCheckpoints, logSize, recordedRanges, verifyRowBatches, type Sql, type VerifyRow } from '../store/index.js';
import { checkStoredRow, inRanges } from './check-stored-row.js';

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

const MAX_PROBLEMS = 1000;

/**
 * What `flowtrail verify` checks, in one pass over the log: each leaf against
 * its hash and its position, every root against its signed checkpoint (so
 * consecutive checkpoints are consistent), the tree size, every indexed column
 * against the leaf it was copied from, every stored text against the
 * commitment its leaf holds, and that texts and leaves are missing only where
 * a recorded erasure or retention purge removed them: every byte a reader is
 * shown. With `deep`, also that every leaf is canonical JSON byte for byte.
 */
export async function verifyDatabase(sql: Sql, verifiers: NoteVerifier[], origin: string, options: { deep?: boolean } = {}): Promise<DatabaseVerification> {
  const [purgedAllowed, erased, checkpointRows] = await Promise.all([
    recordedRanges(sql, 'retention_purged'), recordedRanges(sql, 'personal_data_erased'), listCheckpoints(sql),
  ]);
  const problems: string[] = [];
  let omitted = 0;
  const problem = (p: string) => (problems.length < MAX_PROBLEMS ? problems.push(p) : omitted++);
  let purged = 0;
  let strayPurged = 0;
  let firstStray = -1;
  let texts = 0;
  const check = (r: VerifyRow) => {
    if (r.leaf === null) {
      purged++;
      if (!inRanges(r.seq, purgedAllowed)) {
        strayPurged++;
        if (firstStray < 0) firstStray = r.seq;
      }
      return;
    }
    const c = checkStoredRow(r as VerifyRow & { leaf: string }, erased);
    texts += c.texts;
    for (const p of c.problems) problem(p);
  };

  async function* leaves() {
    for await (const batch of verifyRowBatches(sql)) {
      for (const r of batch) check(r);
      yield batch;
    }
  }
  const result = await verifyLog({ leaves: leaves(), checkpoints: checkpointRows.map((c) => ({ treeSize: c.treeSize, note: c.note })), verifiers, origin, leafCheck: options.deep === true ? 'canonical' : 'seq' });

  const size = await logSize(sql);
  if (size !== result.events) problem(`log_state says ${size} events, the table holds ${result.events}`);
  // A leaf without content is legitimate only where a recorded retention purge emptied it.
  if (strayPurged > 0) problem(`${strayPurged} leaves are empty without a retention purge that covers them (first at seq ${firstStray})`);
  if (omitted > 0) problems.push(`... and ${omitted} more problems`);
  const all = [...result.problems, ...problems];
  return { ok: all.length === 0, keys: verifiers.map((v) => v.verifierKey), events: result.events, purged, texts, checkpoints: result.checkpoints, problems: all };
}

