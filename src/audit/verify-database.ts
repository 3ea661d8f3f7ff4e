import { catalog, isEventName } from '../events.js';
import { commitmentOf, commitText, verifyLog, type CheckpointStatus, type NoteVerifier } from '../integrity/index.js';
import { listCheckpoints, logSize, recordedRanges, verifyRowBatches, type Sql, type VerifyRow } from '../store/index.js';
import { isoMicros } from './iso-micros.js';

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

const TEXT_FIELDS = [...new Set(Object.values(catalog).flatMap((e) => e.textFields))];
const MAX_PROBLEMS = 1000;
type Data = Record<string, unknown>;

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
    let leaf: Data;
    try {
      leaf = JSON.parse(r.leaf) as Data;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      problem(`leaf of seq ${r.seq} is not JSON`);
      return;
    }
    const differ = columnsDiffer(r, leaf);
    if (differ.length > 0) problem(`indexed columns of seq ${r.seq} differ from its leaf (${differ.join(', ')})`);
    const data = (typeof leaf.data === 'object' && leaf.data !== null ? leaf.data : {}) as Data;
    const fields = typeof leaf.type === 'string' && isEventName(leaf.type) ? catalog[leaf.type].textFields : TEXT_FIELDS;
    let missing = false;
    for (const field of fields) {
      if (commitmentOf(data[field]) !== null && (r.texts === null || !(field in r.texts))) missing = true;
    }
    if (missing && !inRanges(r.seq, erased)) problem(`texts of seq ${r.seq} are missing though its leaf commits to them`);
    if (r.texts === null) return;
    if (r.textSalt === null) {
      problem(`texts of seq ${r.seq} have no salt`);
      return;
    }
    for (const field in r.texts) {
      texts++;
      if (commitmentOf(data[field]) !== commitText(field, r.texts[field], r.textSalt)) problem(`text "${field}" of seq ${r.seq} does not match the commitment in its leaf`);
    }
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

/** The names of the indexed columns whose value is not the one in the leaf (as readers parse it). */
function columnsDiffer(r: VerifyRow, leaf: Data): string[] {
  const differ: string[] = [];
  if (leaf.seq !== r.seq) differ.push('seq');
  if (leaf.event_id !== r.eventId) differ.push('event_id');
  if (leaf.type !== r.type) differ.push('type');
  if (leaf.session_id !== r.sessionId) differ.push('session_id');
  if (leaf.source !== r.source) differ.push('source');
  if (leaf.project_path !== r.projectPath) differ.push('project_path');
  if (leaf.username !== r.username) differ.push('username');
  if (isoMicros(leaf.occurred_at) !== r.occurredUs) differ.push('occurred_at');
  if (isoMicros(leaf.recorded_at) !== r.recordedUs) differ.push('recorded_at');
  return differ;
}

function inRanges(seq: number, ranges: readonly [number, number][]): boolean {
  return ranges.some(([a, b]) => seq >= a && seq <= b);
}
