import type { NewEvent } from '../events.js';
import { frontierRoot, signCheckpoint, type NoteSigner } from '../integrity/index.js';
import { addSessionActivity, currentVerifierKey, enqueueJob, existingEventIds, insertAuditRows, insertCheckpoint, lockLog, readLogState, sessionTotals, writeLogState, type AuditRow, type Sql } from '../store/index.js';
import { commitTexts, createLogWriter, type LogWriter } from './log-writer.js';
import { addToBatch, planProjection, projectSession, type SessionBatch } from './project-session.js';
import { systemEvent } from './system-event.js';

export const VERIFY_AUTHORIZATION_JOB = 'verify_authorization';
export const ARCHIVE_SESSION_JOB = 'archive_session';
const TERMINAL = new Set(['duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped']);
/**
 * Rows sent to PostgreSQL per INSERT while the next ones are still being
 * hashed: PostgreSQL stores one part while Node builds the leaves of the next
 * (the two use different cores). docs/scaling.md has the measurements.
 */
const INSERT_CHUNK = 250;

export interface CheckpointPolicy {
  signer: NoteSigner;
  origin: string;
  /** Sign when this many events were appended since the last checkpoint. */
  every: number;
  /** The log's clock: every event's recorded_at, which retention goes by (tests move it; default the system clock). */
  now?: () => Date;
}

export interface AppendResult {
  /** Given events that were new and are now in the log. */
  accepted: number;
  /** For each given event, whether it was appended (false: the log already had its event_id). */
  appendedFlags: boolean[];
  /** Leaves appended in all, with the ones flowtrail added (violations, checkpoint). */
  appended: number;
  duplicates: number;
  /** Checkpoints signed in this transaction: [note, tree size]. */
  notes: [string, number][];
  /** Set when a checkpoint was due but this process's key has been retired (another process rotated it): not signed. */
  retiredKey?: string;
}

/**
 * Appends events to the Merkle log inside `tx`: takes the log lock, drops the
 * ones the log already holds, gives the rest the next gap-free sequence
 * numbers, projects their sessions, signs a checkpoint when one is due, and
 * saves the new tree state. All of it commits or none of it does.
 *
 * Independent statements are sent together (the driver pipelines them on the
 * transaction's connection), so the common case costs three round trips: the
 * lock with the reads, the writes, and the commit. The rows themselves go out
 * every INSERT_CHUNK leaves, without waiting, so that PostgreSQL inserts them
 * while the next leaves are built; the statements run in order on the one
 * connection, and a failed one fails the transaction.
 */
export async function appendEvents(tx: Sql, events: readonly NewEvent[], policy: CheckpointPolicy, force = false): Promise<AppendResult> {
  const sessionIds = [...new Set(events.flatMap((e) => (e.sessionId === null ? [] : [e.sessionId])))];
  // A third of building a leaf is its text commitments, which need no place in the log: made before the lock is taken.
  const committed = events.map(commitTexts);
  const [, known, state, totals] = await Promise.all([
    lockLog(tx),
    existingEventIds(tx, events.map((e) => e.eventId)),
    readLogState(tx),
    sessionTotals(tx, sessionIds),
  ]);
  const w = createLogWriter(state, (policy.now?.() ?? new Date()).toISOString());
  const touched = new Map<string, SessionBatch>();
  let duplicates = 0;
  const appendedFlags: boolean[] = [];
  const inserts: Promise<void>[] = [];
  for (const [i, e] of events.entries()) {
    appendedFlags.push(!known.has(e.eventId));
    if (known.has(e.eventId)) {
      duplicates++;
      continue;
    }
    known.add(e.eventId);
    w.append(e, committed[i]);
    if (e.sessionId !== null) addToBatch(touched, e);
    if (w.pending >= INSERT_CHUNK) {
      inserts.push(sendRows(tx, w.take()));
      // Lets the socket take the statement before the next leaves are built.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const accepted = w.size - state.size;
  if (accepted === 0 && !force) return { accepted, appendedFlags, appended: 0, duplicates, notes: [] };
  const plan = planProjection(touched, totals);
  if (plan.recompute.length > 0) {
    // Recomputing reads the session's events, these included.
    await insertAuditRows(tx, w.take());
    for (const r of plan.recompute) await projectSession(tx, w, r.sessionId, r.batch, r.totals);
  }
  // Every session that starts gets its authorization checked with GitLab, by a job committed with the start.
  const started = [...new Set(events.filter((e, i) => appendedFlags[i] && e.type === 'duo_flow_started' && e.sessionId !== null).map((e) => e.sessionId!))];
  for (const sessionId of started) await enqueueJob(tx, VERIFY_AUTHORIZATION_JOB, { session_id: sessionId });
  // A GitLab session that ends gets its activity copied before GitLab purges it (after 30 days).
  const ended = [...new Set(events.filter((e, i) => appendedFlags[i] && TERMINAL.has(e.type) && e.source.startsWith('gitlab_') && e.sessionId !== null).map((e) => e.sessionId!))];
  for (const sessionId of ended) await enqueueJob(tx, ARCHIVE_SESSION_JOB, { session_id: sessionId });
  // A key another process has since retired signs nothing more (a replica still running with it during a rolling restart).
  const due = isCheckpointDue(w, state.checkpointSize, policy, force);
  const current = due ? await currentVerifierKey(tx) : null;
  const retired = current !== null && current !== policy.signer.verifierKey;
  const checkpoint = due && !retired ? signDueCheckpoint(w, policy) : null;
  await Promise.all([
    ...inserts,
    insertAuditRows(tx, w.take()),
    checkpoint === null ? undefined : insertCheckpoint(tx, checkpoint.row),
    addSessionActivity(tx, plan.countOnly),
    writeLogState(tx, { size: w.size, frontier: w.frontier, checkpointSize: checkpoint?.row.treeSize ?? state.checkpointSize }),
  ]);
  const notes: [string, number][] = checkpoint === null ? [] : [[checkpoint.row.note, checkpoint.row.treeSize]];
  return { accepted, appendedFlags, appended: w.size - state.size, duplicates, notes, ...(retired ? { retiredKey: policy.signer.verifierKey } : {}) };
}

/** Starts an INSERT of these rows; a failure is seen where the promise is awaited, and is never an unhandled rejection before that. */
function sendRows(tx: Sql, rows: AuditRow[]): Promise<void> {
  const sent = insertAuditRows(tx, rows);
  sent.catch(() => undefined);
  return sent;
}

/** Whether a checkpoint is due over the log as it now stands. */
function isCheckpointDue(w: LogWriter, lastSize: number | null, policy: CheckpointPolicy, force: boolean): boolean {
  // The checkpoint event itself is one leaf past its checkpoint: it alone never calls for another.
  const since = w.size - (lastSize ?? 0) - (lastSize === null ? 0 : 1);
  return !(w.size === 0 || since <= 0 || (!force && since < policy.every));
}

/** Signs a checkpoint over the log as it now stands, and appends the event that records it. */
function signDueCheckpoint(w: LogWriter, policy: CheckpointPolicy) {
  const size = w.size;
  const frontier = [...w.frontier];
  const root = frontierRoot(frontier);
  const note = signCheckpoint({ origin: policy.origin, size, rootHash: root }, policy.signer);
  w.append(systemEvent('integrity_checkpoint', null, (policy.now?.() ?? new Date()).toISOString(), { tree_size: size, root_hash: root.toString('base64') }));
  return { row: { treeSize: size, rootHash: root, note, frontier } };
}
