import { describeUnstorable, findUnstorable, replaceLoneSurrogates } from '../http/index.js';
import { MAX_DEPTH } from '../sanitize/index.js';
import { exceedsDepth } from './exceeds-depth.js';

export type DeliveryBody = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Reads a webhook body into what may be stored, or says why it cannot be:
 * not JSON, not a JSON object, nested deeper than the sanitizer walks
 * (measured without recursion before anything recursive reads it), a NUL
 * character (PostgreSQL stores none) or a number JSON.parse made infinite.
 * Lone UTF-16 surrogates (a `\ud800` escape with no pair) are replaced by
 * U+FFFD, as a UTF-8 decoder replaces bytes that are not text. The reason
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
  return { ok: true, value: replaceLoneSurrogates(value) as Record<string, unknown> };
}
