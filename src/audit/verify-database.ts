import { verifyLog, type CheckpointStatus, type KeyUse, type NoteVerifier } from '../integrity/index.js';
import { listCheckpoints, listSigningKeys, logSize, recordedRanges, verifyLineBatches, verifyRowsOf, type Sql, type VerifyRow } from '../store/index.js';
import { checkStoredRow, inRanges } from './check-stored-row.js';
import { checkVerifyLine, type LineCheck } from './check-verify-line.js';

export interface DatabaseVerification {
  ok: boolean;
  /** The verifier keys the reader trusts (--key, or the installation's own). */
  keys: string[];
  /** The log's key history as the log records it: each key, why it is trusted, and the checkpoints it signed. */
  signingKeys: KeyUse[];
  events: number;
  purged: number;
  texts: number;
  /** Events the fast path could not vouch for, checked in full (checkStoredRow). */
  fullChecks: number;
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
export async function verifyDatabase(
  sql: Sql, verifiers: NoteVerifier[], origin: string,
  options: { deep?: boolean; onProgress?: (verified: number, total: number) => void } = {},
): Promise<DatabaseVerification> {
  const [purgedAllowed, erased, checkpointRows, expected, recordedKeys] = await Promise.all([
    recordedRanges(sql, 'retention_purged'), recordedRanges(sql, 'personal_data_erased'), listCheckpoints(sql), logSize(sql), listSigningKeys(sql),
  ]);
  let seen = 0;
  const problems: string[] = [];
  let omitted = 0;
  const problem = (p: string) => (problems.length < MAX_PROBLEMS ? problems.push(p) : omitted++);
  let purged = 0;
  let strayPurged = 0;
  let firstStray = -1;
  let texts = 0;
  let fullChecks = 0;
  const check = (r: VerifyRow) => {
    const c = checkStoredRow(r as VerifyRow & { leaf: string }, erased);
    texts += c.texts;
    for (const p of c.problems) problem(p);
  };
  const purgedLeaf = (seq: number) => {
    purged++;
    if (!inRanges(seq, purgedAllowed)) {
      strayPurged++;
      if (firstStray < 0) firstStray = seq;
    }
  };

  // Each line is checked by the fast path (checkVerifyLine); the rows it cannot
  // vouch for are read again as typed rows and judged by checkStoredRow, the
  // check the session page uses, which also words every problem.
  async function* leaves() {
    for await (const batch of verifyLineBatches(sql)) {
      const records: LineCheck[] = new Array(batch.length);
      const unsure: number[] = [];
      for (let i = 0; i < batch.length; i++) {
        const c = checkVerifyLine(batch[i]!.line, erased);
        records[i] = c;
        if (c.leaf === null) purgedLeaf(c.seq);
        else if (c.texts < 0) unsure.push(c.seq);
        else texts += c.texts;
      }
      fullChecks += unsure.length;
      const rows = unsure.length === 0 ? [] : await verifyRowsOf(sql, unsure);
      if (rows.length !== unsure.length || rows.some((r) => r.leaf === null)) problem(`events ${unsure.join(', ')} changed while they were verified`);
      for (const r of rows) if (r.leaf !== null) check(r);
      seen += batch.length;
      options.onProgress?.(seen, expected);
      yield records;
    }
  }
  const result = await verifyLog({
    leaves: leaves(), checkpoints: checkpointRows.map((c) => ({ treeSize: c.treeSize, note: c.note })), verifiers, origin,
    knownKeys: recordedKeys.map((k) => k.verifierKey), leafCheck: options.deep === true ? 'canonical' : 'seq',
  });
  // The table of keys must say what the rotation events in the log say: a row added by hand names a key no rotation introduced.
  const first = result.rotations[0]?.previousVerifierKey ?? recordedKeys[0]?.verifierKey;
  for (const k of recordedKeys) {
    const rotation = result.rotations.find((r) => r.verifierKey === k.verifierKey);
    if (rotation === undefined && k.verifierKey !== first) problem(`signing_keys lists key ${k.keyId}, which no signing_key_rotated event in the log introduces`);
    else if (rotation !== undefined && (rotation.seq !== k.rotationSeq || rotation.seq + 1 !== k.firstTreeSize)) problem(`signing_keys says key ${k.keyId} took over at tree size ${k.firstTreeSize}, its rotation event is at seq ${rotation.seq}`);
  }
  for (const r of result.rotations) if (!recordedKeys.some((k) => k.verifierKey === r.verifierKey)) problem(`the rotation at seq ${r.seq} introduces a key signing_keys does not list`);

  const size = await logSize(sql);
  if (size !== result.events) problem(`log_state says ${size} events, the table holds ${result.events}`);
  // A leaf without content is legitimate only where a recorded retention purge emptied it.
  if (strayPurged > 0) problem(`${strayPurged} leaves are empty without a retention purge that covers them (first at seq ${firstStray})`);
  if (omitted > 0) problems.push(`... and ${omitted} more problems`);
  const all = [...result.problems, ...problems];
  return { ok: all.length === 0, keys: verifiers.map((v) => v.verifierKey), signingKeys: result.keys, events: result.events, purged, texts, fullChecks, checkpoints: result.checkpoints, problems: all };
}

