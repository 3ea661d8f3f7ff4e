import { createHmac } from 'node:crypto';

/**
 * First 8 hex characters of HMAC-SHA256(key, item). Keyed, so a reader of the
 * stored text cannot test guesses of short secrets (the Vault audit-hash idea);
 * stable, so the same secret correlates across events.
 */
export function fingerprint(key: Buffer, item: string): string {
  return createHmac('sha256', key).update(item, 'utf8').digest('hex').slice(0, 8);
}
