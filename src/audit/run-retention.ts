import { randomUUID } from 'node:crypto';
import { latestCheckpoint, recordEvents, type Pool } from '../store/index.js';

export interface RetentionResult {
  cutoff: string;
  sessions: number;
  events: number;
  /** Stored GitLab webhook deliveries received before the cutoff, deleted (one whose job has yet to run is kept). */
  deliveries: number;
  texts: number;
  /** Sessions past the cutoff whose newest events are not yet under a checkpoint: purged on a later run. */
  deferred: number;
  upToTreeSize: number;
}

/**
 * Purges sessions that ended (or last had activity) before now - days. Only
 * events under the latest signed checkpoint are purged: their text and leaf
 * content go, their leaf hash stays, so every root and proof still verifies.
 * Stored webhook deliveries received before the cutoff are deleted too, except
 * one a job still waits to process. The purge is recorded as retention_purged.
 */
export async function runRetention(sql: Pool, days: number, actor: string, now = new Date()): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  let seqRanges: [number, number][] = [];
  const result = await sql.begin(async (tx) => {
    await tx`set local flowtrail.purge = 'on'`;
    const cp = await latestCheckpoint(tx);
    const upTo = cp?.treeSize ?? 0;
    const candidates = await tx<{ sessionId: string; maxSeq: number }[]>`
      select s.session_id, (select max(seq) from audit_events e where e.session_id = s.session_id) as max_seq
      from sessions s where coalesce(s.ended_at, s.last_occurred_at) < ${cutoff} and s.purged_at is null`;
    const deliveries = await tx`delete from deliveries d where d.received_at < ${cutoff}
      and not exists (select 1 from jobs j where j.state = 'pending' and (j.payload->>'delivery_id')::bigint = d.id)`;
    const ready = candidates.filter((c) => c.maxSeq < upTo).map((c) => c.sessionId);
    if (ready.length === 0) return { sessions: 0, events: 0, texts: 0, deliveries: deliveries.count, deferred: candidates.length, upTo };
    const [t] = await tx<{ n: number }[]>`select count(*)::int as n from audit_events where session_id = any(${ready}::text[]) and texts is not null`;
    const events = await tx<{ seq: number }[]>`update audit_events set leaf = null, texts = null, text_salt = null, purged_at = now()
      where session_id = any(${ready}::text[]) and leaf is not null returning seq`;
    seqRanges = toRanges(events.map((e) => e.seq));
    await tx`delete from lifecycle_flags where session_id = any(${ready}::text[])`;
    await tx`delete from sessions where session_id = any(${ready}::text[])`;
    return { sessions: ready.length, events: events.count, texts: t?.n ?? 0, deliveries: deliveries.count, deferred: candidates.length - ready.length, upTo };
  });
  const out: RetentionResult = {
    cutoff: cutoff.toISOString(), sessions: result.sessions, events: result.events, texts: result.texts, deliveries: result.deliveries,
    deferred: result.deferred, upToTreeSize: result.upTo,
  };
  await recordEvents(sql, [{
    eventId: randomUUID(), type: 'retention_purged', sessionId: null, occurredAt: now.toISOString(), source: 'system',
    // The exact leaves purged: verify accepts a leaf without content only inside these ranges.
    data: { ...out, retention_days: days, actor, seq_ranges: seqRanges },
  }]);
  return out;
}

/** [first, last] runs of consecutive numbers, ascending. */
export function toRanges(seqs: readonly number[]): [number, number][] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}
