import { timingSafeEqual } from 'node:crypto';
import { webhookSignature } from '../integrity/index.js';

const TOLERANCE_SECONDS = 5 * 60;

export interface SignedDelivery {
  id: string | undefined;
  timestamp: string | undefined;
  /** The `webhook-signature` header: space-separated `v1,<base64>` entries. */
  signature: string | undefined;
  body: string;
}

/**
 * Standard Webhooks (as GitLab's signing token uses it): HMAC-SHA256 with the
 * base64 part of the `whsec_` key over `{id}.{timestamp}.{body}`, any `v1`
 * entry matching in constant time, the timestamp within five minutes.
 */
export function verifyWebhookSignature(key: string, d: SignedDelivery, nowSeconds = Date.now() / 1000): boolean {
  if (d.id === undefined || d.timestamp === undefined || d.signature === undefined) return false;
  if (!/^\d{1,12}$/.test(d.timestamp) || Math.abs(nowSeconds - Number(d.timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = webhookSignature(key, d.id, d.timestamp, d.body);
  return d.signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
