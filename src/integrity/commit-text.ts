import crypto, { createHash, randomBytes } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

// Free text that may hold personal data enters a leaf only as a salted
// commitment: SHA-256(0x02 || "flowtrail-text-v1\n" || salt || field name ||
// 0x00 || canonical JSON of the value). An event's texts share one salt and
// live in one row of a deletable side table, so an erasure removes them while
// every proof over the leaf still verifies, and without the salt nobody can
// confirm a guess against a commitment.
const DOMAIN = Buffer.from('\x02flowtrail-text-v1\n', 'latin1');
/** The bytes every commitment's input starts with (for verification done by the database). */
export const TEXT_DOMAIN = DOMAIN;
export const COMMITMENT_KEY = '$commitment';

const NUL = Buffer.from([0]);
const oneShot = typeof crypto.hash === 'function';

export function commitText(field: string, value: unknown, salt: Buffer): string {
  const data = Buffer.concat([DOMAIN, salt, Buffer.from(field, 'utf8'), NUL, Buffer.from(canonicalJson(value), 'utf8')]);
  // One call into the digest: several update() calls cost more than SHA-256 itself on texts this short.
  return oneShot ? crypto.hash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

// Salts are cut from a pool refilled 4 KiB at a time: one call to the CSPRNG serves 256 events.
let pool = Buffer.alloc(0);
let offset = 0;

export function newSalt(): Buffer {
  if (offset + 16 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const salt = Buffer.from(pool.subarray(offset, offset + 16));
  offset += 16;
  return salt;
}

/** The placeholder a leaf holds in place of the text: `{"$commitment": "<hex>"}`. */
export function commitmentOf(placeholder: unknown): string | null {
  if (typeof placeholder !== 'object' || placeholder === null) return null;
  const v = (placeholder as Record<string, unknown>)[COMMITMENT_KEY];
  return typeof v === 'string' ? v : null;
}
