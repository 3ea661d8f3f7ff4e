import { createHmac } from 'node:crypto';

/** The pattern of a Standard Webhooks key: `whsec_` and the base64 of the secret bytes. */
export const WEBHOOK_KEY_PATTERN = /^whsec_[A-Za-z0-9+/=]{16,}$/;

/**
 * Standard Webhooks' signature (GitLab's signing token uses the same scheme):
 * HMAC-SHA256, keyed with the base64 part of the `whsec_` key, over
 * `{id}.{timestamp}.{body}`. Verifying intake and signing outgoing alert
 * notifications both compute it here.
 */
export function webhookSignature(key: string, id: string, timestamp: string, body: string): Buffer {
  const secret = Buffer.from(key.replace(/^whsec_/, ''), 'base64');
  return createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest();
}

/** The headers of a signed delivery: `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64>`). */
export function signWebhook(key: string, id: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  const timestamp = String(nowSeconds);
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${webhookSignature(key, id, timestamp, body).toString('base64')}` };
}
