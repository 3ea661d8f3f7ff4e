import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { DELIVERY_JOB } from '../jobs/index.js';
import { SanitizerInputError } from '../sanitize/index.js';
import { limitBody, safeEqual } from '../http/index.js';
import { createDeliveryWriter } from './create-delivery-writer.js';
import { deliveryDedupeKey } from './delivery-dedupe-key.js';
import { verifyWebhookSignature } from './verify-webhook-signature.js';

/** Delivery headers kept with the delivery (never the token or the signature). */
const KEPT_HEADERS = ['x-gitlab-event', 'x-gitlab-instance', 'x-gitlab-webhook-uuid', 'x-gitlab-event-uuid', 'idempotency-key', 'user-agent', 'webhook-id', 'webhook-timestamp'];


/**
 * POST /webhooks/gitlab: project, group and system webhooks and Duo flow
 * callbacks. 401 only for bad credentials; everything else is stored
 * (sanitized) with its job and answered 200, because GitLab disables hooks
 * that keep answering otherwise. The worker processes it afterwards.
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
    let parsed: unknown;
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      parsed = { unparsed: body };
    }
    let clean: unknown;
    try {
      clean = deps.sanitizer.sanitizeValue(parsed).value;
    } catch (err) {
      if (err instanceof SanitizerInputError) throw new AppError('invalid', `${err.message}; the delivery was not stored`);
      // Never stored raw: GitLab retries a 503 later.
      throw new AppError('unavailable', 'the delivery could not be sanitized; it was not stored');
    }
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = c.req.header(h);
      if (v !== undefined) headers[h] = deps.sanitizer.sanitizeText(v.slice(0, 512)).text;
    }
    const id = await saveDelivery({ dedupeKey, eventName: event.slice(0, 128), headers, body: clean });
    deps.metrics.inc('flowtrail_webhook_deliveries_total', { event: event.slice(0, 64), outcome: id === null ? 'duplicate' : 'stored' });
    if (id !== null) deps.jobRunner?.kick();
    return c.json({ status: id === null ? 'duplicate' : 'stored' }, 200);
  });
  return app;
}
