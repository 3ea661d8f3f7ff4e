import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, passthrough } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/ingest/index.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import type { Database } from '../../src/store/index.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { server as msw } from '../support/msw.js';
import { createTestDatabase, target } from '../support/pg.js';
import { expectInOrderWithoutGap, startWebhookReceiver, waitFor } from '../support/receivers.js';
import { startServe, type Serve } from '../support/serve-process.js';

// A real `flowtrail serve` (the built CLI) announcing alerts to a chat
// webhook, killed with SIGKILL while alerts keep coming and started again,
// with the webhook down for a while in between.
const ADMIN = `ftk_${'a'.repeat(40)}`;
const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alert notifications across kill -9 of serve and a webhook outage', () => {
  let dir: string;
  let db: (Database & { url?: string }) | undefined;
  let env: Record<string, string>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeEach(async () => {
    msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    dir = await mkdtemp(join(tmpdir(), 'flowtrail-kill-alerts-'));
    receiver = await startWebhookReceiver();
    env = {
      FLOWTRAIL_DATA_DIR: dir, FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'info', FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/kill-alerts').privateKeyPem, FLOWTRAIL_LOG_ORIGIN: 'flowtrail/kill-alerts',
      FLOWTRAIL_ALERT_WEBHOOK_URL: `${receiver.url}/hooks/kill-test-path`, FLOWTRAIL_ALERT_WEBHOOK_SECRET: SECRET, FLOWTRAIL_ALERT_NOTIFY_MAX_BACKOFF_SECONDS: '1',
    };
    if (target === 'postgres') {
      db = await createTestDatabase();
      env.FLOWTRAIL_DATABASE_URL = db.url!;
    }
  });
  afterEach(async () => {
    await receiver.close();
    await db?.close();
    db = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('announces every alert at least once, in order, signed, after the restart; the webhook\'s path is in no log line', { timeout: 180_000 }, async () => {
    let serve: Serve = await startServe(env);
    const logs: string[] = [];
    const capture = (s: Serve) => {
      s.child.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
      s.child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
    };
    capture(serve);
    try {
      const api = (s: Serve, path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      const ingest = ((await (await api(serve, '/api/v1/tokens', { method: 'POST', body: JSON.stringify({ role: 'ingest' }) })).json()) as { token: string }).token;
      let n = 0;
      // Each session resumes without a pause: a lifecycle violation, an alert.
      const postAlerts = async (s: Serve, count: number) => {
        for (let i = 0; i < count; i++, n++) {
          const events = [startedEvent(`ka-${n}`, at(n % 60)), flowEvent('duo_flow_resumed', `ka-${n}`, at(n % 60, 1))];
          const res = await fetch(`${s.url}/api/v1/flow-events`, { method: 'POST', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' }, body: JSON.stringify(events) });
          expect(res.status).toBe(202);
        }
      };
      await postAlerts(serve, 5);
      await waitFor(() => receiver.received.length >= 3, 'the first alerts at the webhook', 60_000);
      await receiver.stop();
      await postAlerts(serve, 5);
      await sleep(300);
      serve.child.kill('SIGKILL');
      await serve.exited;
      serve = await startServe(env);
      capture(serve);
      const restartedAt = logs.length;
      await postAlerts(serve, 3);
      // The new process takes the channel over once the dead one's lease runs out, and fails while the webhook is down.
      await waitFor(() => logs.slice(restartedAt).join('').includes('could not announce an alert'), 'a failed try after the restart', 90_000);
      await receiver.start();
      await postAlerts(serve, 3);

      const alerts = async () => ((await (await api(serve, '/api/v1/alerts?state=all&limit=500')).json()) as { alerts: { id: number; notified_at: string | null }[] }).alerts;
      // Each session makes two alerts: the lifecycle violation, and its authorization unverified (no GitLab here).
      await waitFor(async () => (await alerts()).length >= 2 * n && (await alerts()).every((a) => a.notified_at !== null), 'every alert announced', 120_000);
      const seqs = (await alerts()).map((a) => a.id).sort((a, b) => a - b);
      expect(seqs).toHaveLength(2 * n);
      const ids = receiver.received.map((d) => (JSON.parse(d.body) as { alert: { id: number } }).alert.id);
      expect(new Set(ids).size).toBe(2 * n);
      expectInOrderWithoutGap(ids, seqs);
      for (const d of receiver.received) {
        expect(verifyWebhookSignature(SECRET, { id: d.headers['webhook-id'] as string, timestamp: d.headers['webhook-timestamp'] as string, signature: d.headers['webhook-signature'] as string, body: d.body })).toBe(true);
      }
      // /metrics tells the lag (none left), what this process sent and its failed tries.
      const metrics = await (await api(serve, '/metrics')).text();
      expect(metrics).toMatch(/^flowtrail_alert_notify_lag_alerts\{channel="webhook"\} 0$/m);
      expect(metrics).toMatch(/^flowtrail_alert_notify_failing\{channel="webhook"\} 0$/m);
      expect(metrics).toMatch(/^flowtrail_alert_notifications_total\{channel="webhook",outcome="sent"\} [1-9]/m);
      expect(metrics).toMatch(/^flowtrail_alert_notifications_total\{channel="webhook",outcome="failed"\} [1-9]/m);
      // The outage was seen, logged with the receiver's origin only.
      const all = logs.join('');
      expect(all).toContain('could not announce an alert; will try it again');
      expect(all).not.toContain('kill-test-path');
      expect(all).not.toContain(SECRET.slice('whsec_'.length));
    } finally {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
  });
});
