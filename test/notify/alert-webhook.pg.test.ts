import { randomUUID, webcrypto } from 'node:crypto';
import { http, HttpResponse, passthrough } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_TYPES } from '../../src/events.js';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { createAlertNotifier, type AlertNotifier } from '../../src/notify/index.js';
import { recordEvents } from '../../src/store/index.js';
import { SANITIZER_KEY, useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { api, GITLAB } from '../support/gitlab.js';
import { server as msw } from '../support/msw.js';
import { startWebhookReceiver, waitFor, type WebhookDelivery } from '../support/receivers.js';

const SECRET = `whsec_${Buffer.from('alert-webhook-signing-secret-for-tests!').toString('base64')}`;
const GITLAB_TOKEN = 'glpat-alert-test-token-never-sent';
const PUBLIC_URL = 'https://flowtrail.example.test';
const HOSTILE_REASON = 'see <http://evil.test|the fix> <!channel> <@U024BE7LH> @here @all [click](http://evil.test) & done';

/**
 * Standard Webhooks verification written apart from flowtrail's (Web Crypto,
 * not node:crypto's createHmac): HMAC-SHA256 of `{id}.{timestamp}.{body}`
 * with the base64 secret after `whsec_`, any `v1,` entry, within 5 minutes.
 */
async function verifiesIndependently(d: WebhookDelivery): Promise<boolean> {
  const id = d.headers['webhook-id'];
  const timestamp = d.headers['webhook-timestamp'];
  const signatures = d.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = await webcrypto.subtle.importKey('raw', Buffer.from(SECRET.slice('whsec_'.length), 'base64'), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',');
    if (version === 'v1' && value !== undefined
      && await webcrypto.subtle.verify('HMAC', key, Buffer.from(value, 'base64'), new TextEncoder().encode(`${id}.${timestamp}.${d.body}`))) return true;
  }
  return false;
}

interface Posted {
  text: string;
  attachments: { fallback: string; title: string; title_link: string; fields: { title: string; value: string }[]; contentType: string; content: { type: string; body: { type: string; text?: string }[]; actions: { url: string }[] } }[];
  alert: { id: number; event_id: string; type: string; kind: string | null; session_id: string | null; project_path: string | null; username: string | null; occurred_at: string; url: string; data: Record<string, unknown> };
}

describe('alert notifications to a chat webhook (a real HTTP receiver)', () => {
  const t = useTestApp();
  const notifiers: AlertNotifier[] = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const outcomes: string[] = [];

  beforeEach(async () => {
    msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    receiver = await startWebhookReceiver();
    outcomes.length = 0;
  });
  afterEach(async () => {
    await Promise.all(notifiers.splice(0).map((n) => n.stop()));
    await receiver.close();
  });

  async function notifier(): Promise<AlertNotifier> {
    const n = createAlertNotifier({
      sql: t.deps.sql, publicUrl: PUBLIC_URL, origin: t.deps.origin, webhook: { url: `${receiver.url}/services/T0/B0/chat-secret-path`, secret: SECRET, timeoutMs: 5000 },
      pollMs: 20, maxBackoffMs: 150, leaseRenewMs: 200, leaseTtlSeconds: 2,
      onOutcome: (channel, outcome) => outcomes.push(`${channel}:${outcome}`),
    });
    await n.start();
    notifiers.push(n);
    return n;
  }

  /** Waits until the channel has opened its cursor (it starts at the end of the log). */
  const started = () => waitFor(async () => (await t.deps.sql`select 1 from alert_notifiers where channel = 'webhook'`).length === 1, 'the webhook channel open');

  /** An alert of the service's own making, in a session; answers its log position. */
  async function recordAlert(sessionId: string | null, data: Record<string, unknown>, type = 'duo_flow_authorization_unverified'): Promise<number> {
    const eventId = randomUUID();
    await recordEvents(t.deps.sql, [{ eventId, type, sessionId, occurredAt: at(30), source: 'system', data }]);
    await t.deps.integrator.integrate();
    const [row] = await t.deps.sql<{ seq: number }[]>`select seq from audit_events where event_id = ${eventId}`;
    return Number(row!.seq);
  }

  const alertSeqs = async () => (await t.deps.sql<{ seq: number }[]>`
    select seq from audit_events where type in ('duo_flow_authorization_unverified', 'duo_flow_lifecycle_violation') order by seq`).map((r) => Number(r.seq));
  const posted = (d: WebhookDelivery) => JSON.parse(d.body) as Posted;

  it('posts each new alert once, in log order, signed (checked independently), as a chat message with the alert as data', async () => {
    await notifier();
    await started();
    await t.ingest([startedEvent('nt-1', at(0)), flowEvent('duo_flow_resumed', 'nt-1', at(1))]);
    await t.deps.integrator.integrate();
    await recordAlert('nt-1', { reason: 'the OAuth grant could not be read' });
    const seqs = await alertSeqs();
    expect(seqs.length).toBeGreaterThanOrEqual(2);
    await waitFor(() => receiver.received.length >= seqs.length, 'every alert at the receiver');
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received.map((d) => posted(d).alert.id)).toEqual(seqs);
    for (const d of receiver.received) {
      expect(await verifiesIndependently(d)).toBe(true);
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['webhook-id']).toBe(posted(d).alert.event_id);
    }
    // A body changed in transit no longer verifies.
    expect(await verifiesIndependently({ ...receiver.received[0]!, body: receiver.received[0]!.body.replace('nt-1', 'nt-2') })).toBe(false);
    const last = posted(receiver.received.at(-1)!);
    expect(last.alert).toMatchObject({
      type: 'duo_flow_authorization_unverified', session_id: 'nt-1', project_path: 'acme-platform/payments-api', username: 'dwhitfield',
      url: `${PUBLIC_URL}/-/duo/sessions/nt-1`, data: { reason: 'the OAuth grant could not be read' }, kind: null,
    });
    expect(last.text).toBe(`flowtrail alert: authorization unverified in acme-platform/payments-api, session nt-1, started by dwhitfield: the OAuth grant could not be read. ${PUBLIC_URL}/-/duo/sessions/nt-1`);
    const card = last.attachments[0]!;
    expect(card).toMatchObject({ title_link: `${PUBLIC_URL}/-/duo/sessions/nt-1`, contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', actions: [{ url: `${PUBLIC_URL}/-/duo/sessions/nt-1` }] } });
    expect(card.fields.map((f) => f.title)).toEqual(['Alert', 'Project', 'Session', 'Person', 'Occurred']);
    expect(outcomes.filter((o) => o === 'webhook:sent')).toHaveLength(seqs.length);
    // The alerts API shows when each was announced.
    const auditor = await t.token('auditor');
    const listed = (await (await t.get('/api/v1/alerts', auditor)).json()) as { alerts: { id: number; notified_at: string | null; gitlab_issue: unknown }[] };
    expect(listed.alerts.map((a) => a.id).sort((a, b) => a - b)).toEqual(seqs);
    expect(listed.alerts.every((a) => a.notified_at !== null && a.gitlab_issue === null)).toBe(true);
  });

  it('escapes what a person chose (project, name, reason) so it can add no link, mention or broadcast in Slack, Mattermost or Teams', async () => {
    await notifier();
    await started();
    await t.ingest([startedEvent('nt-evil', at(0), { user: { id: 5, username: '<!here>' }, project: { id: 9, path: 'acme/<http://evil.test|payments>' } })]);
    const seq = await recordAlert('nt-evil', { reason: HOSTILE_REASON });
    await waitFor(() => receiver.received.length >= 1, 'the alert at the receiver');
    const p = posted(receiver.received[0]!);
    expect(p.alert.id).toBe(seq);
    // The structured data stays as recorded; only the chat text is escaped.
    expect(p.alert.data.reason).toBe(HOSTILE_REASON);
    const slackTexts = [p.text, p.attachments[0]!.fallback, p.attachments[0]!.title, ...p.attachments[0]!.fields.map((f) => f.value)];
    for (const text of slackTexts) {
      // No Slack control sequence survives: every < and > left is the one around nothing (there are none of ours).
      expect(text).not.toMatch(/[<>]/);
      // Mattermost mentions are broken by a word joiner; markdown links too.
      expect(text).not.toMatch(/@(here|all|channel)/);
      expect(text).not.toMatch(/\]\s*\(/);
    }
    expect(p.text).toContain('&lt;!channel&gt;');
    expect(p.text).toContain('&lt;http://evil.test|the fix&gt;');
    expect(p.text).toContain('&amp; done');
    expect(p.text).toContain('&lt;!here&gt;');
    expect(p.text.endsWith(` ${PUBLIC_URL}/-/duo/sessions/nt-evil`)).toBe(true);
    const cardTexts = p.attachments[0]!.content.body.flatMap((b) => (b.text === undefined ? [] : [b.text]));
    for (const text of cardTexts) {
      expect(text).not.toMatch(/@(here|all|channel)/);
      expect(text).not.toMatch(/\]\s*\(/);
    }
  });

  it('posts an alert of every alert type in the catalog, whatever its data (a type added later needs no change here)', async () => {
    await notifier();
    await started();
    const seqs: number[] = [];
    for (const type of ALERT_TYPES) seqs.push(await recordAlert(null, { kind: `${type}-kind`, reason: `a ${type}` }, type));
    await waitFor(() => receiver.received.length >= ALERT_TYPES.length, 'one message per alert type');
    const got = receiver.received.map((d) => posted(d));
    expect(got.map((p) => p.alert.id)).toEqual(seqs);
    expect(got.map((p) => p.alert.type)).toEqual([...ALERT_TYPES]);
    for (const [i, p] of got.entries()) {
      expect(p.alert.kind).toBe(`${ALERT_TYPES[i]}-kind`);
      expect(p.text).toContain(`(${ALERT_TYPES[i]}-kind)`);
    }
  });

  it('starts at the end of the log: alerts recorded before the webhook was configured are not posted', async () => {
    const before = await recordAlert(null, { reason: 'before the webhook was configured' });
    await notifier();
    await started();
    const after = await recordAlert(null, { reason: 'after' });
    await waitFor(() => receiver.received.length >= 1, 'the new alert at the receiver');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received.map((d) => posted(d).alert.id)).toEqual([after]);
    expect(before).toBeLessThan(after);
    expect(posted(receiver.received[0]!).alert.url).toBe(`${PUBLIC_URL}/admin/duo_agent_platform/audit`);
  });

  it('tries again with backoff while the receiver is down or failing, then delivers in order; a restart sends nothing twice', async () => {
    await notifier();
    await started();
    await receiver.stop();
    const first = await recordAlert(null, { reason: 'while the receiver is down' });
    await waitFor(async () => (await t.deps.sql<{ failuresTotal: number }[]>`select failures_total from alert_notifiers where channel = 'webhook'`)[0]!.failuresTotal >= 2, 'two failed tries');
    const [failing] = await t.deps.sql<{ lastError: string; failingSince: Date | null }[]>`select last_error, failing_since from alert_notifiers where channel = 'webhook'`;
    expect(failing!.failingSince).not.toBeNull();
    expect(failing!.lastError).toContain('the connection failed');
    // The webhook's path is its secret: no error names it.
    expect(failing!.lastError).not.toContain('chat-secret-path');
    const [attempts] = await t.deps.sql<{ attempts: number; lastError: string }[]>`select attempts, last_error from alert_notifications where alert_seq = ${first} and channel = 'webhook'`;
    expect(attempts!.attempts).toBeGreaterThanOrEqual(2);
    const second = await recordAlert(null, { reason: 'queued behind the first' });
    await receiver.start();
    receiver.stats.failNext = 2;
    await waitFor(() => receiver.received.length >= 2, 'both alerts at the receiver');
    expect(receiver.received.map((d) => posted(d).alert.id)).toEqual([first, second]);
    expect(outcomes).toContain('webhook:failed');
    expect(receiver.stats.failNext).toBe(0);
    // A restart (a new notifier on the same database) resumes after the cursor.
    await Promise.all(notifiers.splice(0).map((n) => n.stop()));
    await notifier();
    const third = await recordAlert(null, { reason: 'after the restart' });
    await waitFor(() => receiver.received.length >= 3, 'the third alert');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received.map((d) => posted(d).alert.id)).toEqual([first, second, third]);
    const [cleared] = await t.deps.sql<{ failingSince: Date | null; sentTotal: number }[]>`select failing_since, sent_total from alert_notifiers where channel = 'webhook'`;
    expect(cleared).toMatchObject({ failingSince: null, sentTotal: 3 });
  });

  it('two processes on one database: one sends, each alert arrives once', async () => {
    await notifier();
    await notifier();
    await started();
    const seqs: number[] = [];
    for (let i = 0; i < 6; i++) seqs.push(await recordAlert(null, { reason: `alert ${i}` }));
    await waitFor(() => receiver.received.length >= seqs.length, 'every alert');
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received.map((d) => posted(d).alert.id)).toEqual(seqs);
  });

  it('tells the receiver no token or key: no authorization header, no GitLab, API, signing or sanitizer secret in what it gets', async () => {
    const admin = await t.token('admin');
    // Both channels, so the GitLab token is in the process (msw plays GitLab).
    msw.use(http.post(api('/projects/:id/issues'), () => HttpResponse.json({ iid: 1, web_url: `${GITLAB}/security/alerts/-/issues/1`, description: '' }, { status: 201 })));
    const n = createAlertNotifier({
      sql: t.deps.sql, publicUrl: PUBLIC_URL, origin: t.deps.origin, webhook: { url: `${receiver.url}/hook`, secret: SECRET, timeoutMs: 5000 },
      issues: { gitlab: createGitlabClient({ url: GITLAB, token: GITLAB_TOKEN }), project: 'security/alerts', labels: ['flowtrail-alert'] }, pollMs: 20,
    });
    await n.start();
    notifiers.push(n);
    await started();
    await t.ingest([startedEvent('nt-sec', at(0))]);
    await recordAlert('nt-sec', { reason: 'an alert' });
    await waitFor(() => receiver.received.length >= 1, 'the alert');
    const d = receiver.received[0]!;
    expect(d.headers.authorization).toBeUndefined();
    expect(d.headers.cookie).toBeUndefined();
    expect(Object.keys(d.headers).filter((h) => /token|auth|key/i.test(h))).toEqual([]);
    const everything = JSON.stringify(d.headers) + d.body;
    for (const secret of [admin, GITLAB_TOKEN, SECRET, SECRET.slice('whsec_'.length), Buffer.from(SECRET.slice('whsec_'.length), 'base64').toString(), SANITIZER_KEY]) {
      expect(everything).not.toContain(secret);
    }
  });
});
