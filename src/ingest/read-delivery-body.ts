import { describeUnstorable, findUnstorable, replaceLoneSurrogates } from '../http/index.js';
import { MAX_DEPTH } from '../sanitize/index.js';
import { exceedsDepth } from './exceeds-depth.js';

/**
 * Whether a JSON text can hold a UTF-16 surrogate once parsed: a `\uD800` to
 * `\uDFFF` escape, or such a character as it is. It over-approximates (a
 * valid pair, an escaped backslash before "ud8"), never the other way.
 */
const MAY_HOLD_SURROGATE = /\\u[dD][89a-fA-F]|[\uD800-\uDFFF]/;

export type DeliveryBody = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Reads a webhook body into what may be stored, or says why it cannot be:
 * not JSON, not a JSON object, nested deeper than the sanitizer walks
 * (measured without recursion before anything recursive reads it), a NUL
 * character (PostgreSQL stores none) or a number JSON.parse made infinite.
 * Lone UTF-16 surrogates (a `\ud800` escape with no pair) are replaced by
 * U+FFFD, as a UTF-8 decoder replaces bytes that are not text; that walk is
 * skipped for the usual body, whose text cannot hold one. The reason
 * may name keys of the payload: sanitize it before it is stored.
 */
export function readDeliveryBody(text: string): DeliveryBody {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message quotes the body; the reason is stored, so it says only what is wrong.
    return { ok: false, reason: 'the body is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'the body is not a JSON object' };
  if (exceedsDepth(value, MAX_DEPTH)) return { ok: false, reason: `the body is nested deeper than ${MAX_DEPTH} levels` };
  const unstorable = findUnstorable(value, { surrogates: false });
  if (unstorable !== null) return { ok: false, reason: describeUnstorable(unstorable) };
  if (!MAY_HOLD_SURROGATE.test(text)) return { ok: true, value: value as Record<string, unknown> };
  return { ok: true, value: replaceLoneSurrogates(value) as Record<string, unknown> };
}
