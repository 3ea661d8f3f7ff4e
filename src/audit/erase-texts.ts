import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { recordEvents, type Pool } from '../store/index.js';
import { toRanges } from './run-retention.js';

export interface ErasureScope {
  sessionId?: string;
  /** Every session this GitLab user initiated. */
  username?: string;
}

export interface ErasureResult {
  events: number;
  seqRanges: [number, number][];
}

/**
 * Erases the free texts (prompts, plans, decisions, messages) of a session or
 * of every session a person initiated. The leaves keep their commitments, so
 * the log and every proof still verify; the erasure is recorded, with the
 * exact events it touched, as personal_data_erased.
 */
export async function eraseTexts(sql: Pool, scope: ErasureScope, actor: { id: string; reason?: string }): Promise<ErasureResult> {
  if (scope.sessionId === undefined && scope.username === undefined) throw new AppError('invalid', 'name a session_id or a user to erase');
  const rows = await sql.begin(async (tx) => {
    await tx`set local flowtrail.purge = 'on'`;
    return tx<{ seq: number }[]>`
      update audit_events set texts = null, text_salt = null
      where texts is not null and (
        ${scope.sessionId ?? null}::text is not null and session_id = ${scope.sessionId ?? null}
        or ${scope.username ?? null}::text is not null and session_id in (select session_id from sessions where username = ${scope.username ?? null}))
      returning seq`;
  });
  const seqRanges = toRanges(rows.map((r) => r.seq));
  await recordEvents(sql, [{
    eventId: randomUUID(),
    type: 'personal_data_erased',
    // Kept outside the session: a later purge of the session must not remove the record of the erasure.
    sessionId: null,
    occurredAt: new Date().toISOString(),
    source: 'system',
    data: { scope: { session_id: scope.sessionId ?? null, user: scope.username ?? null }, events: rows.length, seq_ranges: seqRanges, actor: actor.id, reason: actor.reason ?? null },
  }]);
  return { events: rows.length, seqRanges };
}
