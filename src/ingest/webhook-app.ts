import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { unprocessableBody } from '../gitlab/index.js';
import { DELIVERY_JOB } from '../jobs/index.js';
import { SanitizerInputError } from '../sanitize/index.js';
import { limitBody, safeEqual } from '../http/index.js';
import { createDeliveryWriter } from './create-delivery-writer.js';
import { deliveryDedupeKey } from './delivery-dedupe-key.js';
import { readDeliveryBody } from './read-delivery-body.js';
import { verifyWebhookSignature } from './verify-webhook-signature.js';

/** Delivery headers kept with the delivery (never the token or the signature). */
const KEPT_HEADERS = ['x-gitlab-event', 'x-gitlab-instance', 'x-gitlab-webhook-uuid', 'x-gitlab-event-uuid', 'idempotency-key', 'user-agent', 'webhook-id', 'webhook-timestamp'];


/**
 * POST /webhooks/gitlab: project, group and system webhooks and Duo flow
 * callbacks. 401 only for bad credentials; everything else is stored
 * (sanitized) with its job and answered 200, because GitLab disables hooks
 * that keep answering otherwise; a body that cannot be stored as sent is
 * stored as unprocessable (see src/gitlab/unprocessable-delivery.ts) and answered
 * 200 too. The worker processes it afterwards.
 */
export function createWebhookApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const saveDelivery = createDeliveryWriter({ sql: deps.sql, jobName: DELIVERY_JOB });
  app.post('/', limitBody(deps.config.http.maxBodyBytes), async (c) => {
    deps.jobRunner?.noteIntake();
    const { webhookSecret, webhookSigningKey } = deps.config.ingest;
    const body = await c.req.text();
    const signature = c.req.header('webhook-signature');
    const token = c.req.header('x-gitlab-token');
    let authentic: boolean;
    if (webhookSigningKey !== undefined && signature !== undefined) {
      // A signature that is present must be right: a valid token does not excuse a body that was changed.
      authentic = verifyWebhookSignature(webhookSigningKey, { id: c.req.header('webhook-id'), timestamp: c.req.header('webhook-timestamp'), signature, body });
    } else {
      // During a move to signing keys, hooks without a signing token still pass with the secret token.
      authentic = webhookSecret !== undefined && safeEqual(token, webhookSecret);
    }
    if (!authentic) {
      deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'webhook' });
      if (webhookSecret === undefined && webhookSigningKey === undefined) {
        throw new AppError('unauthorized', 'webhooks are not configured (set FLOWTRAIL_WEBHOOK_SECRET or FLOWTRAIL_WEBHOOK_SIGNING_KEY)');
      }
      throw new AppError('unauthorized', 'X-Gitlab-Token or webhook-signature is missing or wrong');
    }
    const event = c.req.header('x-gitlab-event') ?? 'unknown';
    const dedupeKey = deliveryDedupeKey((name) => c.req.header(name), event, body);
    const { body: clean, unprocessable } = readAndSanitize(deps, body);
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = c.req.header(h);
      if (v !== undefined) headers[h] = deps.sanitizer.sanitizeText(v.slice(0, 512)).text;
    }
    const id = await saveDelivery({ dedupeKey, eventName: event.slice(0, 128), headers, body: clean });
    const status = id === null ? 'duplicate' : unprocessable === undefined ? 'stored' : 'unprocessable';
    deps.metrics.inc('flowtrail_webhook_deliveries_total', { event: event.slice(0, 64), outcome: status });
    if (id !== null) deps.jobRunner?.kick();
    return c.json(status === 'unprocessable' ? { status, reason: unprocessable } : { status }, 200);
  });
  return app;
}

/**
 * The body to store: the delivery sanitized, or, when it cannot be read or
 * stored as sent (see readDeliveryBody) or the sanitizer refuses it, the
 * record of an unprocessable delivery with the (sanitized) reason. Never a
 * 4xx or 5xx: GitLab would retry it for ever or disable the hook.
 */
function readAndSanitize(deps: AppDeps, text: string): { body: unknown; unprocessable?: string } {
  const read = readDeliveryBody(text);
  let reason: string;
  if (read.ok) {
    try {
      return { body: deps.sanitizer.sanitizeValue(read.value).value };
    } catch (err) {
      if (err instanceof SanitizerInputError) {
        reason = err.message;
      } else {
        deps.log.error({ err: { name: err instanceof Error ? err.name : 'error' } }, 'sanitizer failed; the delivery is stored as unprocessable');
        reason = 'the delivery could not be sanitized';
      }
    }
  } else {
    reason = read.reason;
  }
  const clean = deps.sanitizer.sanitizeText(reason).text;
  return { body: unprocessableBody(clean, text), unprocessable: clean };
}
