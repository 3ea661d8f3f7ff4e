import { createHash } from 'node:crypto';

/** flowtrail's namespace for evidence pack ids (itself a name-based UUID of "flowtrail evidence pack" in the URL namespace). */
export const PACK_NAMESPACE = '976281ba-bad7-5c26-9523-fb0644acfd77';

/**
 * A name-based UUID, version 5 (RFC 9562 section 5.5: SHA-1 of the namespace
 * and the name), so that the same pack gets the same ids on every run.
 */
export function deriveUuid(name: string, namespace = PACK_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
