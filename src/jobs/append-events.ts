import type { NewEvent } from '../events.js';
import { frontierRoot, signCheckpoint, type NoteSigner } from '../integrity/index.js';
import { existingEventIds, insertAuditRows, insertCheckpoint, latestCheckpoint, readLogState, writeLogState, type Sql } from '../store/index.js';
import { createLogWriter, type LogWriter } from './log-writer.js';
import { addToBatch, projectSession, type SessionBatch } from './project-session.js';
import { systemEvent } from './system-event.js';

/** The advisory lock that makes one writer at a time append to the log, across processes. */
export const LOG_LOCK = 7_426_002;

export interface CheckpointPolicy {
  signer: NoteSigner;
  origin: string;
  /** Sign when this many events were appended since the last checkpoint. */
  every: number;
}

export interface AppendResult {
  /** Given events that were new and are now in the log. */
  accepted: number;
  /** Leaves appended in all, with the ones flowtrail added (violations, checkpoint). */
  appended: number;
  duplicates: number;
  /** Checkpoints signed in this transaction: [note, tree size]. */
  notes: [string, number][];
}

/**
 * Appends events to the Merkle log inside `tx`: takes the log lock, drops the
 * ones the log already holds, gives the rest the next gap-free sequence
 * numbers, projects their sessions, signs a checkpoint when one is due, and
 * saves the new tree state. All of it commits or none of it does.
 */
export async function appendEvents(tx: Sql, events: readonly NewEvent[], policy: CheckpointPolicy, force = false): Promise<AppendResult> {
  await tx`select pg_advisory_xact_lock(${LOG_LOCK})`;
  const known = await existingEventIds(tx, events.map((e) => e.eventId));
  const state = await readLogState(tx);
  const w = createLogWriter(state, new Date().toISOString());
  const touched = new Map<string, SessionBatch>();
  let duplicates = 0;
  for (const e of events) {
    if (known.has(e.eventId)) {
      duplicates++;
      continue;
    }
    known.add(e.eventId);
    w.append(e);
    if (e.sessionId !== null) addToBatch(touched, e);
  }
  const accepted = w.size - state.size;
  if (accepted === 0 && !force) return { accepted, appended: 0, duplicates, notes: [] };
  await insertAuditRows(tx, w.take());
  for (const [sessionId, b] of touched) await projectSession(tx, w, sessionId, b);
  const notes = await checkpointIfDue(tx, w, policy, force);
  await insertAuditRows(tx, w.take());
  await writeLogState(tx, { size: w.size, frontier: w.frontier });
  return { accepted, appended: w.size - state.size, duplicates, notes };
}

async function checkpointIfDue(tx: Sql, w: LogWriter, policy: CheckpointPolicy, force: boolean): Promise<[string, number][]> {
  const last = await latestCheckpoint(tx);
  const lastSize = last?.treeSize ?? 0;
  // The checkpoint event itself is one leaf past its checkpoint: it alone never calls for another.
  const since = w.size - lastSize - (last === null ? 0 : 1);
  if (w.size === 0 || since <= 0 || (!force && since < policy.every)) return [];
  const size = w.size;
  const root = frontierRoot(w.frontier);
  const note = signCheckpoint({ origin: policy.origin, size, rootHash: root }, policy.signer);
  await insertCheckpoint(tx, { treeSize: size, rootHash: root, note, frontier: w.frontier });
  w.append(systemEvent('integrity_checkpoint', null, new Date().toISOString(), { tree_size: size, root_hash: root.toString('base64') }));
  return [[note, size]];
}
