import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';

const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
const headers = JSON.parse(readFileSync(new URL('headers.json', dir), 'utf8')) as Record<string, Record<string, string>> & { _fixture_secret_token: string };

describe('webhook delivery dispatch by X-Gitlab-Event', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: headers._fixture_secret_token });
  const deliver = (event: string, body: unknown, key: string) =>
    t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': event, 'X-Gitlab-Token': headers._fixture_secret_token, 'Idempotency-Key': key }, body: JSON.stringify(body) });
  const results = async () => (await t.deps.sql`select state, result from jobs where name = 'gitlab.delivery' order by id`).map((r) => [r.state, r.result]);
  const webhookEvents = async () => (await t.deps.sql`select count(*)::int as n from audit_events where source = 'gitlab_webhook'`)[0]!.n as number;

  it('stores and acknowledges an event it has no handler for, and does not act on it', async () => {
    const push = JSON.parse(readFileSync(new URL('push.json', dir), 'utf8')) as Record<string, unknown>;
    for (const [event, key] of [['Tag Push Hook', 'tag'], ['Made Up Hook', 'made-up']] as const) {
      const res = await deliver(event, { ...push, object_kind: 'tag_push' }, key);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'stored' });
    }
    await t.jobRunner(null).runDue();
    expect((await t.deps.sql`select event_name from deliveries order by id`).map((r) => r.eventName)).toEqual(['Tag Push Hook', 'Made Up Hook']);
    expect(await results()).toEqual([['done', 'stored; "Tag Push Hook" is not processed yet'], ['done', 'stored; "Made Up Hook" is not processed yet']]);
    expect(await webhookEvents()).toBe(0);
  });

  it('handles a system hook push as a push and keeps its other kinds as delivered', async () => {
    const push = JSON.parse(readFileSync(new URL('push.json', dir), 'utf8')) as Record<string, unknown>;
    await deliver('System Hook', push, 'system-push');
    await deliver('System Hook', { object_kind: 'user_create', event_name: 'user_create' }, 'system-user');
    await t.jobRunner(null).runDue();
    const [first, second] = await results();
    expect(first![1]).toMatch(/^push: \d+ commits, \d+ events appended/);
    expect(second).toEqual(['done', 'stored; "System Hook" is not processed yet']);
  });

  it('links an internal note (Confidential Note Hook) the agent wrote, as it links any note', async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    const note = JSON.parse(readFileSync(new URL('note_on_mr.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;
    note.user = { id: 77215, name: 'Duo Developer', username: 'duo-developer-acme-platform' };
    note.object_attributes = { ...note.object_attributes, id: 2290502, author_id: 77215, internal: true, created_at: '2026-03-10 14:10:00 UTC' };
    await deliver('Confidential Note Hook', note, 'internal-note');
    await t.jobRunner(null).runDue();
    expect(await results()).toEqual([['done', 'note linked to session 9137']]);
  });
});
