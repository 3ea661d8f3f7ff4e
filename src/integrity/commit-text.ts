import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

// Free text that may hold personal data enters a leaf only as a salted
// commitment: SHA-256(0x02 || "flowtrail-text-v1\n" || salt || canonical JSON
// of the value). The text and its salt live in a deletable side table, so an
// erasure removes them while every proof over the leaf still verifies, and
// without the salt nobody can confirm a guess against the commitment.
const DOMAIN = Buffer.from('\x02flowtrail-text-v1\n', 'latin1');
export const COMMITMENT_KEY = '$commitment';

export function commitText(value: unknown, salt: Buffer): string {
  return createHash('sha256').update(DOMAIN).update(salt).update(canonicalJson(value)).digest('hex');
}

export function newSalt(): Buffer {
  return randomBytes(16);
}

/** The placeholder a leaf holds in place of the text: `{"$commitment": "<hex>"}`. */
export function commitmentOf(placeholder: unknown): string | null {
  if (typeof placeholder !== 'object' || placeholder === null) return null;
  const v = (placeholder as Record<string, unknown>)[COMMITMENT_KEY];
  return typeof v === 'string' ? v : null;
}
