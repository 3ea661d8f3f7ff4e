import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';

const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
const headers = JSON.parse(readFileSync(new URL('headers.json', dir), 'utf8')) as { _fixture_secret_token: string };
const pushBody = readFileSync(new URL('push.json', dir), 'utf8');
const mrBody = JSON.parse(readFileSync(new URL('merge_request_open.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;

// The push fixture's commit carries session 9137's trailer; merge request acme-platform/payments-api!57 is on its branch.
const TRAILER_SHA = 'defd29c1b0a67c60ec110c86ac0f047f50603595';
const MERGE_SHA = 'c'.repeat(40);
const SQUASH_SHA = 'd'.repeat(40);

type Page = { sessions: { session_id: string; user: { username: string | null } }[]; next_cursor: string | null };
type Gql = { data?: { duoFlowSessions: { nodes: { sessionId: string }[] } | null } | null; errors?: { message: string; extensions?: { code?: string } }[] };

describe('which session made this commit or merge request', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: headers._fixture_secret_token });
  const deliver = (event: string, body: unknown, key: string) =>
    t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': event, 'X-Gitlab-Token': headers._fixture_secret_token, 'Idempotency-Key': key }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  /** Session 9137 with its trailer commit, merge request !57, and the merge and squash commits linked when !57 was merged. */
  const seed = async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    await deliver('Push Hook', pushBody, 'push');
    await t.jobRunner(null).runDue();
    const merged = structuredClone(mrBody);
    merged.object_attributes = { ...merged.object_attributes, action: 'merge', state: 'merged', merge_commit_sha: MERGE_SHA, squash_commit_sha: SQUASH_SHA, updated_at: '2026-03-10 15:30:00 UTC' };
    await deliver('Merge Request Hook', mrBody, 'mr-open');
    await deliver('Merge Request Hook', merged, 'mr-merge');
    await t.jobRunner(null).runDue();
    await t.deps.integrator.integrate();
  };
  const ids = async (query: string, token: string) => {
    const res = await t.get(`/api/v1/sessions?${query}`, token);
    expect(res.status).toBe(200);
    return ((await res.json()) as Page).sessions.map((s) => s.session_id);
  };
  const refused = async (query: string, token: string) => {
    const res = await t.get(`/api/v1/sessions?${query}`, token);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('invalid');
    return body.message;
  };
  const gql = async (args: string, token: string) => {
    const res = await t.app.request('/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ duoFlowSessions(${args}) { nodes { sessionId } } }` }),
    });
    return (await res.json()) as Gql;
  };

  it('finds the session by a full SHA or a prefix of 7 or more, for trailer, merge and squash commits', async () => {
    await seed();
    const auditor = await t.token('auditor');
    expect(await ids(`commit_sha=${TRAILER_SHA}`, auditor)).toEqual(['9137']);
    expect(await ids('commit_sha=defd29c', auditor)).toEqual(['9137']);
    expect(await ids(`commit_sha=${TRAILER_SHA.slice(0, 12).toUpperCase()}`, auditor)).toEqual(['9137']);
    expect(await ids(`commit_sha=${MERGE_SHA}`, auditor)).toEqual(['9137']);
    expect(await ids(`commit_sha=${SQUASH_SHA.slice(0, 7)}`, auditor)).toEqual(['9137']);
    // Unknown commits, and a prefix that differs in its last character, find nothing.
    expect(await ids('commit_sha=defd29d', auditor)).toEqual([]);
    expect(await ids(`commit_sha=${'e'.repeat(40)}`, auditor)).toEqual([]);
    expect(await ids(`commit_sha=${TRAILER_SHA}0`, auditor)).toEqual([]);
    // The merge request's iid is not a commit, and other filters still apply.
    expect(await ids('commit_sha=5757575', auditor)).toEqual([]);
    expect(await ids(`commit_sha=${TRAILER_SHA}&status=completed`, auditor)).toEqual([]);
  });

  it('refuses a SHA that is too short, not hexadecimal or too long with 400', async () => {
    const auditor = await t.token('auditor');
    expect(await refused('commit_sha=defd29', auditor)).toMatch(/^commit_sha: must be a commit SHA or a prefix of it: 7 to 64 hexadecimal characters/);
    expect(await refused('commit_sha=defd29g', auditor)).toMatch(/^commit_sha: /);
    expect(await refused('commit_sha=defd%25%25%25', auditor)).toMatch(/^commit_sha: /);
    expect(await refused(`commit_sha=${'a'.repeat(65)}`, auditor)).toMatch(/^commit_sha: /);
    expect(await refused('commit_sha=', auditor)).toMatch(/^commit_sha: /);
  });

  it('finds the session by merge request reference GROUP/PROJECT!IID', async () => {
    await seed();
    const auditor = await t.token('auditor');
    expect(await ids(`merge_request=${encodeURIComponent('acme-platform/payments-api!57')}`, auditor)).toEqual(['9137']);
    expect(await ids(`merge_request=${encodeURIComponent('Acme-Platform/Payments-API!57')}`, auditor)).toEqual(['9137']);
    expect(await ids(`merge_request=${encodeURIComponent('acme-platform/payments-api!58')}`, auditor)).toEqual([]);
    expect(await ids(`merge_request=${encodeURIComponent('acme-platform/other!57')}`, auditor)).toEqual([]);
    expect(await ids(`merge_request=${encodeURIComponent('acme-platform/sub.group/payments_api!57')}`, auditor)).toEqual([]);
    expect(await ids(`merge_request=${encodeURIComponent('acme-platform/payments-api!57')}&commit_sha=defd29c`, auditor)).toEqual(['9137']);
  });

  it('refuses a malformed merge request reference with 400', async () => {
    const auditor = await t.token('auditor');
    for (const bad of ['payments-api!57', 'acme-platform/payments-api', 'acme-platform/payments-api!', 'acme-platform/payments-api!0', 'acme-platform/payments-api!057',
      'acme-platform/payments-api!5a', 'acme-platform/payments-api#57', '!57', '/payments-api!57', 'acme-platform//payments-api!57', 'acme-platform/payments-api/!57',
      'acme-platform/-x!57', 'acme platform/payments-api!57', 'acme-platform/payments-api!57!58', 'acme-platform/payments-api!12345678901', `${'a/'.repeat(600)}b!1`]) {
      expect(await refused(`merge_request=${encodeURIComponent(bad)}`, auditor), bad).toMatch(/^merge_request: /);
    }
    expect(await ids(`merge_request=${encodeURIComponent('a/b/c.d_e-f/.g!2147483647')}`, auditor)).toEqual([]);
  });

  it("does not show a user token another person's session this way", async () => {
    await seed();
    const auditor = await t.token('auditor');
    const owner = ((await (await t.get('/api/v1/sessions/9137', auditor)).json()) as { session: { user: { username: string } } }).session.user.username;
    expect(owner).toBeTruthy();
    const other = await t.token('user', owner === 'mchen' ? 'dwhitfield' : 'mchen');
    expect(await ids(`commit_sha=${TRAILER_SHA}`, other)).toEqual([]);
    expect(await ids(`merge_request=${encodeURIComponent('acme-platform/payments-api!57')}`, other)).toEqual([]);
    expect((await gql(`commitSha: "${TRAILER_SHA}"`, other)).data!.duoFlowSessions!.nodes).toEqual([]);
    const own = await t.token('user', owner);
    expect(await ids(`commit_sha=${MERGE_SHA}`, own)).toEqual(['9137']);
    expect((await gql('mergeRequest: "acme-platform/payments-api!57"', own)).data!.duoFlowSessions!.nodes).toEqual([{ sessionId: '9137' }]);
  });

  it('takes commitSha and mergeRequest in GraphQL, with the same checks', async () => {
    await seed();
    const auditor = await t.token('auditor');
    expect((await gql('commitSha: "defd29c1"', auditor)).data!.duoFlowSessions!.nodes).toEqual([{ sessionId: '9137' }]);
    expect((await gql(`commitSha: "${SQUASH_SHA}"`, auditor)).data!.duoFlowSessions!.nodes).toEqual([{ sessionId: '9137' }]);
    expect((await gql('commitSha: "0000000"', auditor)).data!.duoFlowSessions!.nodes).toEqual([]);
    expect((await gql('mergeRequest: "acme-platform/payments-api!57"', auditor)).data!.duoFlowSessions!.nodes).toEqual([{ sessionId: '9137' }]);
    const short = await gql('commitSha: "defd29"', auditor);
    expect(short.data).toEqual({ duoFlowSessions: null });
    expect(short.errors![0]).toMatchObject({ extensions: { code: 'invalid' } });
    expect(short.errors![0]!.message).toMatch(/^commitSha: must be a commit SHA or a prefix of it/);
    const bad = await gql('mergeRequest: "acme-platform/payments-api#57"', auditor);
    expect(bad.errors![0]).toMatchObject({ extensions: { code: 'invalid' } });
    expect(bad.errors![0]!.message).toMatch(/^mergeRequest: must be a merge request reference GROUP\/PROJECT!IID/);
  });
});
