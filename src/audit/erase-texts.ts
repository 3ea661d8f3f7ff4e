import { AppError } from '../errors.js';
import { eraseSessionTexts, type EraseResult, type Pool } from '../store/index.js';

export interface ErasureScope {
  sessionId?: string;
  /** Every session this GitLab user initiated. */
  username?: string;
}

export type ErasureResult = EraseResult;

/**
 * Erases the free texts (prompts, plans, decisions, messages) of a session or
 * of every session a person initiated. The leaves keep their commitments, so
 * the log and every proof still verify; the erasure is recorded, with the
 * exact events it touched, as personal_data_erased in the same transaction.
 */
export async function eraseTexts(sql: Pool, scope: ErasureScope, actor: { id: string; reason?: string }): Promise<ErasureResult> {
  if (scope.sessionId === undefined && scope.username === undefined) throw new AppError('invalid', 'name a session_id or a user to erase');
  return eraseSessionTexts(sql, scope, actor.id, actor.reason ?? null);
}
