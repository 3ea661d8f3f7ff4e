import { http, passthrough } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { verifyWebhookSignature } from '../../src/ingest/index.js';
import { server as msw } from '../support/msw.js';
import { startWebhookReceiver } from '../support/receivers.js';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

describe('flowtrail alerts test-webhook', () => {
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  beforeEach(async () => {
    msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());

  async function run(env: Record<string, string>) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['alerts', 'test-webhook'], env, (s) => out.push(s), (s) => err.push(s));
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('posts a signed sample alert and names only the receiver\'s origin', async () => {
    const r = await run({ FLOWTRAIL_ALERT_WEBHOOK_URL: `${receiver.url}/hooks/secret-path`, FLOWTRAIL_ALERT_WEBHOOK_SECRET: SECRET });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(`sent a test message to ${receiver.url}`);
    expect(r.out).not.toContain('secret-path');
    const d = receiver.received[0]!;
    expect(verifyWebhookSignature(SECRET, { id: d.headers['webhook-id'] as string, timestamp: d.headers['webhook-timestamp'] as string, signature: d.headers['webhook-signature'] as string, body: d.body })).toBe(true);
    expect(JSON.parse(d.body)).toMatchObject({ text: expect.stringContaining('flowtrail alert: test message'), alert: { type: 'test', id: 0 } });
  });

  it('exits 1 with the receiver\'s answer when it refuses, and 2 without a webhook configured', async () => {
    receiver.stats.failNext = 1;
    const refused = await run({ FLOWTRAIL_ALERT_WEBHOOK_URL: `${receiver.url}/hooks/secret-path`, FLOWTRAIL_ALERT_WEBHOOK_SECRET: SECRET });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${receiver.url} answered 503: try later`);
    expect(refused.err).not.toContain('secret-path');
    expect((await run({})).code).toBe(2);
    const bad = await run({ FLOWTRAIL_ALERT_WEBHOOK_URL: 'file:///etc/passwd', FLOWTRAIL_ALERT_WEBHOOK_SECRET: SECRET });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('FLOWTRAIL_ALERT_WEBHOOK_URL must be a http or https URL');
  });
});
