import { randomUUID } from 'node:crypto';
import { viewEvents } from '../audit/index.js';
import { advanceCursor, logSize, readStreamBatch, recordEvents, recordFailure, type DestinationRow, type Pool } from '../store/index.js';
import type { Sender } from './sender.js';

export type BatchOutcome =
  | { kind: 'idle' }
  | { kind: 'sent'; delivered: number }
  | { kind: 'failed'; delivered: number; error: string; paused: boolean }
  /** Another process moved the cursor (this one lost the lease while sending). */
  | { kind: 'overtaken' };

/**
 * One step of a destination's delivery: the events after its cursor (up to
 * the log's committed size, so no later commit can land behind the cursor)
 * that its filters select, sent in order; the cursor then moves past what
 * was delivered and past what the filters skipped. A failure is recorded,
 * and pauses the destination once it has been failing for `pauseAfterSeconds`.
 */
export async function deliverBatch(sql: Pool, d: DestinationRow, sender: Sender, o: { batchSize: number; pauseAfterSeconds: number }): Promise<BatchOutcome> {
  const head = await logSize(sql);
  if (head - 1 <= d.cursorSeq) return { kind: 'idle' };
  const rows = await readStreamBatch(sql, d.cursorSeq, head, { types: d.filterTypes, projects: d.filterProjects }, o.batchSize);
  const full = rows.length === o.batchSize;
  // A purged event has nothing left to send: it is passed over like a filtered one.
  const views = viewEvents(rows).filter((v) => v.purged !== true);
  const result = views.length === 0 ? { delivered: 0 } : await sender.send(views);
  const complete = result.delivered === views.length;
  const to = complete ? (full ? rows[rows.length - 1]!.seq : head - 1) : result.delivered > 0 ? views[result.delivered - 1]!.seq : d.cursorSeq;
  if (to > d.cursorSeq) {
    if (!(await advanceCursor(sql, d.id, d.cursorSeq, to, result.delivered))) return { kind: 'overtaken' };
    d.cursorSeq = to;
  }
  if (complete) return views.length === 0 ? { kind: 'idle' } : { kind: 'sent', delivered: result.delivered };
  const error = result.error ?? 'the batch was not delivered';
  const paused = await sql.begin(async (tx) => {
    const row = await recordFailure(tx, d.id, error, o.pauseAfterSeconds);
    if (row === null || row.pausedAt === null || d.pausedAt !== null) return false;
    await recordEvents(tx, [{
      eventId: randomUUID(), type: 'streaming_destination_paused', sessionId: null, occurredAt: new Date().toISOString(), source: 'system',
      data: { destination_id: d.id, name: d.name, type: d.type, reason: row.pausedReason ?? error, cursor_seq: row.cursorSeq },
    }]);
    return true;
  });
  return { kind: 'failed', delivered: result.delivered, error, paused };
}
