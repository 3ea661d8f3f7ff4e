import { purgeExpired, type Pool, type PurgeResult } from '../store/index.js';

export type RetentionResult = PurgeResult;

/**
 * Purges sessions that ended before now - days, both by the sender's clock and
 * by when the log recorded them (a back-dated stop cannot expire a live
 * session). Only events under the latest signed checkpoint are purged: their
 * text and leaf content go, their leaf hash stays, so every root and proof
 * still verifies. Stored webhook deliveries received before the cutoff are
 * deleted too, except one a job still waits to process. The purge runs in the
 * database as the tables' owner and is recorded as retention_purged in the
 * same transaction.
 */
export async function runRetention(sql: Pool, days: number, actor: string): Promise<RetentionResult> {
  return purgeExpired(sql, days, actor);
}
