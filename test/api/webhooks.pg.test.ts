import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DELIVERY_JOB } from '../../src/ingest/index.js';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { at, startedEvent } from '../support/flow-events.js';

const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
const headers = JSON.parse(readFileSync(new URL('headers.json', dir), 'utf8')) as Record<string, Record<string, string>> & { _fixture_signing_token: string; _fixture_secret_token: string };
const pushBody = readFileSync(new URL('push.json', dir), 'utf8');

/** Signs a body as GitLab does with a signing token (Standard Webhooks), at the current time. */
function sign(id: string, body: string, key = headers._fixture_signing_token): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', Buffer.from(key.replace(/^whsec_/, ''), 'base64')).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` };
}

describe('POST /webhooks/gitlab', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: headers._fixture_secret_token, FLOWTRAIL_WEBHOOK_SIGNING_KEY: headers._fixture_signing_token });
  const deliver = (h: Record<string, string>, body: string) => t.app.request('/webhooks/gitlab', { method: 'POST', headers: h, body });
  const pushHeaders = () => {
    const { 'webhook-id': _i, 'webhook-timestamp': _t, 'webhook-signature': _s, ...rest } = headers.push!;
    return rest;
  };
  const count = async (table: string) => (await t.deps.sql.unsafe(`select count(*)::int as n from ${table}`))[0]!.n as number;

  it('returns 401 for a missing or wrong token and stores nothing', async () => {
    expect((await deliver({ ...pushHeaders(), 'X-Gitlab-Token': 'wrong' }, pushBody)).status).toBe(401);
    const { 'X-Gitlab-Token': _t, ...noToken } = pushHeaders();
    expect((await deliver(noToken, pushBody)).status).toBe(401);
    expect(await count('deliveries')).toBe(0);
  });

  it('stores a delivery (sanitized, without its token) with one job, however often it is delivered', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await deliver(pushHeaders(), pushBody);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: i === 0 ? 'stored' : 'duplicate' });
    }
    expect(await count('deliveries')).toBe(1);
    expect(await count('jobs')).toBe(1);
    const [d] = await t.deps.sql`select event_name, headers, body from deliveries`;
    expect(d!.eventName).toBe('Push Hook');
    expect(JSON.stringify(d!.headers)).not.toContain(headers._fixture_secret_token);
    expect(d!.headers).toMatchObject({ 'idempotency-key': headers.push!['Idempotency-Key'] });
    const body = JSON.stringify(d!.body);
    expect(body).toContain('"object_kind":"push"');
    expect(body).not.toMatch(/"[^"@ ]+@[^"@ ]+\.(test|com)"/);
  });

  it('deduplicates without Idempotency-Key on the event UUID, the event name and the body', async () => {
    const { 'Idempotency-Key': _k, ...older } = pushHeaders();
    await deliver(older, pushBody);
    await deliver(older, pushBody);
    await deliver({ ...older, 'X-Gitlab-Event': 'Tag Push Hook' }, pushBody);
    expect(await count('deliveries')).toBe(2);
  });

  it('deduplicates a Standard Webhooks sender on webhook-id: a signed retry stores no second delivery or job', async () => {
    const { 'Idempotency-Key': _k, 'X-Gitlab-Token': _t, 'X-Gitlab-Event-UUID': _u, ...plain } = pushHeaders();
    const first = await deliver({ ...plain, ...sign('msg_2Y8kQ', pushBody) }, pushBody);
    expect(await first.json()).toEqual({ status: 'stored' });
    // The retry carries the same webhook-id with a later timestamp and so another signature.
    await new Promise((r) => setTimeout(r, 1100));
    const retry = await deliver({ ...plain, ...sign('msg_2Y8kQ', pushBody) }, pushBody);
    expect(await retry.json()).toEqual({ status: 'duplicate' });
    expect(await count('deliveries')).toBe(1);
    expect(await count('jobs')).toBe(1);
    expect((await deliver({ ...plain, ...sign('msg_other', pushBody) }, pushBody)).status).toBe(200);
    expect(await count('deliveries')).toBe(2);
  });

  it('lets no sender suppress another delivery by claiming its id: ids are keyed by header, event and body', async () => {
    const { 'Idempotency-Key': realKey, ...rest } = pushHeaders();
    // Claimed first with another body: the genuine delivery is still stored.
    expect(await (await deliver({ ...rest, 'Idempotency-Key': realKey! }, '{"object_kind":"push","ref":"refs/heads/decoy"}')).json()).toEqual({ status: 'stored' });
    expect(await (await deliver({ ...rest, 'Idempotency-Key': realKey! }, pushBody)).json()).toEqual({ status: 'stored' });
    // The same id under another header, or under another event name, is another delivery too.
    const { 'X-Gitlab-Token': _t, ...unsigned } = rest;
    expect(await (await deliver({ ...unsigned, ...sign(realKey!, pushBody) }, pushBody)).json()).toEqual({ status: 'stored' });
    expect(await (await deliver({ ...rest, 'Idempotency-Key': realKey!, 'X-Gitlab-Event': 'Tag Push Hook' }, pushBody)).json()).toEqual({ status: 'stored' });
    // An Idempotency-Key spelled like the body-hash fallback of an older GitLab does not claim that delivery.
    const { 'X-Gitlab-Event-UUID': uuid, ...noUuid } = rest;
    const fallback = `${uuid}:Push Hook:${createHash('sha256').update(pushBody).digest('hex')}`;
    expect(await (await deliver({ ...noUuid, 'X-Gitlab-Event-UUID': uuid!, 'Idempotency-Key': fallback }, pushBody)).json()).toEqual({ status: 'stored' });
    expect(await (await deliver({ ...noUuid, 'X-Gitlab-Event-UUID': uuid! }, pushBody)).json()).toEqual({ status: 'stored' });
    expect(await count('deliveries')).toBe(6);
    // Each of them retried is a duplicate.
    expect(await (await deliver({ ...rest, 'Idempotency-Key': realKey! }, pushBody)).json()).toEqual({ status: 'duplicate' });
    expect(await count('deliveries')).toBe(6);
  });

  it('checks a Standard Webhooks signature when one is sent, and refuses a changed body even with the right token', async () => {
    const id = headers.push!['Idempotency-Key']!;
    expect((await deliver({ ...pushHeaders(), ...sign(id, pushBody) }, pushBody)).status).toBe(200);
    const changed = pushBody.replace('"ref": "refs/heads/', '"ref": "refs/heads/x');
    expect((await deliver({ ...pushHeaders(), 'Idempotency-Key': 'other', ...sign(id, pushBody) }, changed)).status).toBe(401);
    const { 'X-Gitlab-Token': _t, ...signedOnly } = { ...pushHeaders(), 'Idempotency-Key': 'signed-only', ...sign('signed-only', pushBody) };
    expect((await deliver(signedOnly, pushBody)).status).toBe(200);
  });

  it('stores concurrent deliveries together, each once, answering each only after its row and job are committed', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `burst-${i % 20}`);
    const answers = await Promise.all(keys.map(async (key) => {
      const res = await deliver({ ...pushHeaders(), 'Idempotency-Key': key }, pushBody);
      // Answered: the delivery is in the table, with its job.
      const [row] = await t.deps.sql`select (select count(*)::int from jobs j where (j.payload->>'delivery_id')::bigint = d.id) as jobs from deliveries d where headers->>'idempotency-key' = ${key}`;
      return { status: res.status, body: (await res.json()) as { status: string }, jobs: row?.jobs };
    }));
    expect(answers.every((a) => a.status === 200 && a.jobs === 1)).toBe(true);
    expect(answers.filter((a) => a.body.status === 'stored')).toHaveLength(20);
    expect(await count('deliveries')).toBe(20);
    expect(await count('jobs')).toBe(20);
  });

  it('fails only the delivery the database refuses when it arrives with others', async () => {
    // Nothing a sender can put in a delivery makes the database refuse it (see test/security/malformed-input.pg.test.ts),
    // so a constraint plays the refusing database here: that delivery cannot be stored, the others must be.
    await t.deps.sql`alter table deliveries add constraint refuses_bad check (headers->>'idempotency-key' is distinct from 'bad')`;
    try {
      const answers = await Promise.all([
        deliver({ ...pushHeaders(), 'Idempotency-Key': 'good-1' }, pushBody),
        deliver({ ...pushHeaders(), 'Idempotency-Key': 'bad' }, pushBody),
        deliver({ ...pushHeaders(), 'Idempotency-Key': 'good-2' }, pushBody),
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 500, 200]);
    } finally {
      await t.deps.sql`alter table deliveries drop constraint refuses_bad`;
    }
    expect((await t.deps.sql`select headers->>'idempotency-key' as key from deliveries order by 1`).map((r) => r.key)).toEqual(['good-1', 'good-2']);
  });

  it('answers 413 for a body over the limit, whether its Content-Length says so or it streams without one', async () => {
    expect((await deliver({ ...pushHeaders(), 'content-length': String(6 * 1024 * 1024) }, pushBody)).status).toBe(413);
    expect((await deliver({ ...pushHeaders(), 'Idempotency-Key': 'huge' }, JSON.stringify({ object_kind: 'push', x: 'x'.repeat(6 * 1024 * 1024) }))).status).toBe(413);
    expect(await count('deliveries')).toBe(0);
    expect((await deliver({ ...pushHeaders(), 'content-length': String(Buffer.byteLength(pushBody)) }, pushBody)).status).toBe(200);
  });

  it('answers 200 to kinds it does not process and to a body that is not JSON, keeping both', async () => {
    expect((await deliver({ ...pushHeaders(), 'Idempotency-Key': 'k1', 'X-Gitlab-Event': 'Wiki Page Hook' }, '{"object_kind":"wiki_page"}')).status).toBe(200);
    expect((await deliver({ ...pushHeaders(), 'Idempotency-Key': 'k2' }, 'not json at all')).status).toBe(200);
    expect(await count('deliveries')).toBe(2);
  });

  it('turns Duo flow callbacks into the session lifecycle through the worker', async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    const cb = JSON.parse(readFileSync(new URL('../fixtures/gitlab-dap/flow_event_finished.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const h = { 'X-Gitlab-Event': 'Duo Flow Callback', 'X-Gitlab-Token': headers._fixture_secret_token, 'Idempotency-Key': String(cb.event_id), 'content-type': 'application/json' };
    for (let i = 0; i < 2; i++) expect((await deliver(h, JSON.stringify(cb))).status).toBe(200);
    const runner = t.jobRunner(null);
    // The delivery, the authorization check of the start, and the archival of the ended session.
    expect(await runner.runDue()).toBe(3);
    const [s] = await t.deps.sql`select status from sessions where session_id = '9137'`;
    expect(s!.status).toBe('completed');
    const [e] = await t.deps.sql`select source, leaf from audit_events where type = 'duo_flow_completed'`;
    expect(e!.source).toBe('gitlab_webhook');
    const [job] = await t.deps.sql`select state, result from jobs where name = ${DELIVERY_JOB}`;
    expect(job).toMatchObject({ state: 'done', result: 'appended duo_flow_completed' });
    const listing = (await (await t.get('/api/v1/jobs?state=done', await t.token('admin'))).json()) as { counts: Record<string, number>; jobs: { result: string }[] };
    expect(listing.counts).toEqual({ pending: 0, done: 3, dead: 0 });
    expect(listing.jobs.map((j) => j.result)).toContain('appended duo_flow_completed');
    expect((await t.get('/api/v1/jobs', await t.token('auditor'))).status).toBe(403);
  });
});

describe('push correlation', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: headers._fixture_secret_token });
  const runner = () => t.jobRunner(null);
  const deliverPush = (body: string, key: string) =>
    t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': headers._fixture_secret_token, 'Idempotency-Key': key }, body });
  const rows = async () => (await t.deps.sql`select type, session_id, leaf from audit_events where source = 'gitlab_webhook' order by seq`)
    .map((r) => ({ type: r.type as string, session: r.sessionId as string | null, data: JSON.parse(r.leaf as string).data as Record<string, unknown> }));

  it('links a commit to the session its Duo-Session trailer names, flags an unknown session and an untraced agent commit', async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    await deliverPush(pushBody, 'p1');
    await runner().runDue();
    const events = await rows();
    expect(events.map((e) => [e.type, e.session])).toEqual([
      ['duo_flow_resource_linked', '9137'],
      ['duo_flow_unknown_session_reference', null],
      ['duo_flow_untraced_agent_commit', null],
    ]);
    expect(events[0]!.data).toMatchObject({ resource_type: 'Commit', resource_id: 'defd29c1b0a67c60ec110c86ac0f047f50603595', link_method: 'trailer', trailer: 'Duo-Session' });
    expect(events[1]!.data).toMatchObject({ reference: '3f0b6c1e-8d2a-4f57-9a61-2c4e7b9d0a15', reason: 'no such session' });
    expect(events[2]!.data).toMatchObject({ sha: 'f82a3c6d767009dd813d74335089c50cc1faf01c' });
    const detail = (await (await t.get('/api/v1/sessions/9137', await t.token('auditor'))).json()) as { resources: { resource_type: string; link_method: string }[] };
    expect(detail.resources).toMatchObject([{ resource_type: 'Commit', link_method: 'trailer' }]);
    // The same commits in another delivery (a resend, a new branch) change nothing.
    await deliverPush(pushBody, 'p2');
    await runner().runDue();
    expect(await rows()).toHaveLength(3);
  });

  it('flags a trailer naming a session of another project as forged', async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    const other = JSON.parse(pushBody) as { project_id: number; project: Record<string, unknown> };
    other.project_id = 5555;
    other.project = { ...other.project, id: 5555, path_with_namespace: 'elsewhere/other' };
    await deliverPush(JSON.stringify(other), 'p3');
    await runner().runDue();
    const events = await rows();
    expect(events.filter((e) => e.type === 'duo_flow_resource_linked')).toEqual([]);
    expect(events.find((e) => e.data.referenced_session_id === '9137')?.data).toMatchObject({ reason: 'the session belongs to another project' });
  });
});

describe('note correlation', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: headers._fixture_secret_token });
  const noteBody = readFileSync(new URL('note_on_mr.json', dir), 'utf8');
  const deliverNote = (body: unknown, key: string) =>
    t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': 'Note Hook', 'X-Gitlab-Token': headers._fixture_secret_token, 'Idempotency-Key': key }, body: JSON.stringify(body) });

  it('links a note the agent wrote while its session ran, and leaves people\u2019s notes alone', async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    const human = JSON.parse(noteBody) as Record<string, Record<string, unknown>>;
    await deliverNote(human, 'n1');
    const agent = structuredClone(human);
    agent.user = { id: 77215, name: 'Duo Developer', username: 'duo-developer-acme-platform' };
    agent.object_attributes = { ...agent.object_attributes, id: 2290500, author_id: 77215, created_at: '2026-03-10 14:10:00 UTC' };
    await deliverNote(agent, 'n2');
    const late = structuredClone(agent);
    late.object_attributes = { ...late.object_attributes, id: 2290501, created_at: '2026-03-11 09:00:00 UTC' };
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_finished') });
    await t.deps.integrator.integrate();
    await deliverNote(late, 'n3');
    await t.jobRunner(null).runDue();
    const results = (await t.deps.sql`select result from jobs where name = 'gitlab.delivery' order by id`).map((r) => r.result);
    expect(results).toEqual(['note: written by a person', 'note linked to session 9137', 'note: no session of this agent account was running on the project then']);
    const [e] = await t.deps.sql`select session_id, leaf from audit_events where type = 'duo_flow_resource_linked'`;
    expect(e!.sessionId).toBe('9137');
    expect(JSON.parse(e!.leaf as string).data).toMatchObject({ resource_type: 'Note', resource_id: '2290500', link_method: 'agent_note', merge_request_iid: '57' });
  });
});

describe('merge request correlation', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: headers._fixture_secret_token });
  const mrBody = JSON.parse(readFileSync(new URL('merge_request_open.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;
  const deliver = (event: string, body: unknown, key: string) =>
    t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': event, 'X-Gitlab-Token': headers._fixture_secret_token, 'Idempotency-Key': key }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const links = async () => (await t.deps.sql`select session_id, leaf from audit_events where type = 'duo_flow_resource_linked' order by seq`)
    .map((r) => ({ session: r.sessionId as string, ...(JSON.parse(r.leaf as string).data as { resource_type: string; resource_id: string; link_method: string }) }))
    .map(({ session, resource_type, resource_id, link_method }) => [session, resource_type, resource_id, link_method]);

  it("links the MR through its branch's traced commits, then its merge and squash commits when merged, once", async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    await deliver('Push Hook', pushBody, 'push');
    await t.jobRunner(null).runDue();
    await deliver('Merge Request Hook', mrBody, 'mr-open');
    const merged = structuredClone(mrBody);
    merged.object_attributes = { ...merged.object_attributes, action: 'merge', state: 'merged', merge_commit_sha: 'c'.repeat(40), squash_commit_sha: 'd'.repeat(40), updated_at: '2026-03-10 15:30:00 UTC' };
    await deliver('Merge Request Hook', merged, 'mr-merge');
    await deliver('Merge Request Hook', merged, 'mr-merge-resent-by-hand');
    await t.jobRunner(null).runDue();
    expect(await links()).toEqual([
      ['9137', 'Commit', 'defd29c1b0a67c60ec110c86ac0f047f50603595', 'trailer'],
      ['9137', 'MergeRequest', '57', 'branch_commits'],
      ['9137', 'Commit', 'c'.repeat(40), 'merge'],
      ['9137', 'Commit', 'd'.repeat(40), 'squash'],
    ]);
  });

  it('links by the footer marker only a session of the same project', async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.ingest(startedEvent('elsewhere-1', at(0), { project: { id: 999, path: 'other/project' } }));
    const withFooter = structuredClone(mrBody);
    withFooter.object_attributes = { ...withFooter.object_attributes, iid: 58, source_branch: 'feature/x',
      description: 'Text\n\n<!-- flowtrail:session=9137 -->\nCreated by Duo Agent Platform flow session [9137](x)\n<!-- flowtrail:session=elsewhere-1 -->' };
    withFooter.user = { id: 1187, name: 'Dana Whitfield', username: 'dwhitfield' };
    withFooter.object_attributes.author_id = 1187;
    await deliver('Merge Request Hook', withFooter, 'mr-footer');
    await t.jobRunner(null).runDue();
    expect(await links()).toEqual([['9137', 'MergeRequest', '58', 'footer']]);
  });
});
