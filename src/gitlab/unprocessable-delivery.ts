import { createHash } from 'node:crypto';

// A webhook delivery flowtrail cannot read or store as sent (not a JSON
// object, nested too deep, a NUL character, an infinite number, a sanitizer
// failure) is still stored and answered 200, so GitLab neither retries it
// forever nor disables the hook. Its body is then only this record: why, and
// the size and SHA-256 of the bytes received (to find it in GitLab's "Recent
// events" of the hook), never the content. The worker's job for it ends with
// `unprocessable: <reason>; not acted on`.

/** The one key of an unprocessable delivery's stored body. */
export const UNPROCESSABLE_KEY = 'flowtrail_unprocessable';

/** The body stored for an unprocessable delivery. `reason` must already be sanitized: it may name keys of the payload. */
export function unprocessableBody(reason: string, received: string): Record<string, unknown> {
  const bytes = Buffer.from(received, 'utf8');
  return { [UNPROCESSABLE_KEY]: { reason, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') } };
}

/** Why a stored delivery was unprocessable, or null for a delivery stored as GitLab sent it. */
export function unprocessableReason(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const record = (body as Record<string, unknown>)[UNPROCESSABLE_KEY];
  if (typeof record !== 'object' || record === null || Object.keys(body).length !== 1) return null;
  const reason = (record as Record<string, unknown>).reason;
  return typeof reason === 'string' ? reason : null;
}
