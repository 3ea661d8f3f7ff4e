import { gunzipSync } from 'node:zlib';
import { AppError } from '../errors.js';
import type { TraceEncoding } from '../otlp/index.js';

/** The encoding OTLP/HTTP names by Content-Type; anything else is 415 in words. */
export function otlpEncodingOf(contentType: string | undefined): TraceEncoding {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new AppError('unsupported', `Content-Type ${type === '' ? '(none)' : `"${type.slice(0, 100)}"`} is not OTLP/HTTP: send application/x-protobuf or application/json`);
}

/**
 * The request body, inflated when Content-Encoding is gzip: never to more than
 * `maxBytes` (a small compressed body must not expand into gigabytes), 413
 * above it; a body that is not gzip is 400.
 */
export function inflateOtlpBody(body: Uint8Array, contentEncoding: string | undefined, maxBytes: number): Uint8Array {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return body;
  if (encoding !== 'gzip') throw new AppError('unsupported', `Content-Encoding "${encoding.slice(0, 100)}" is not supported: send gzip or no encoding`);
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('too_large', `the gzip body inflates to more than ${maxBytes} bytes (FLOWTRAIL_MAX_BODY_BYTES)`);
    }
    throw new AppError('invalid', `the body is not valid gzip: ${err instanceof Error ? err.message : String(err)}`);
  }
}
