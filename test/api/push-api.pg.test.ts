import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { DELIVERY_JOB } from '../../src/ingest/index.js';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { api, commitsHandler, GITLAB, memberHandler, sha } from '../support/gitlab.js';
import { server } from '../support/msw.js';

const secret = 'push-test-secret';
const commits = Array.from({ length: 45 }, (_, i) => ({
  id: sha(i),
  message: `step ${i}\n\nX-GitLab-Duo-Session: 9137\n`,
  author_name: 'Duo Developer',
  author_email: 'duo-developer-acme-platform@noreply.gitlab.example.test',
}));

describe('a push of more commits than the webhook carries', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: secret });
  const runner = () => t.jobRunner(createGitlabClient({ url: GITLAB, token: 'glpat-bot' }), { baseDelayMs: 60_000 });
  const push = () => {
    const body = JSON.parse(readFileSync(new URL('../fixtures/gitlab-webhooks/push.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    // GitLab puts the newest 20 in the payload and the real number in total_commits_count.
    body.commits = commits.slice(25).map((c) => ({ id: c.id, message: c.message, timestamp: '2026-03-10T14:20:00+00:00', url: `${GITLAB}/c/${c.id}`, author: { name: c.author_name, email: c.author_email } }));
    body.total_commits_count = 45;
    return t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': secret, 'Idempotency-Key': 'push-45' }, body: JSON.stringify(body) });
  };
  const links = async () => (await t.deps.sql`select count(*)::int as n from audit_events where type = 'duo_flow_resource_linked' and session_id = '9137'`)[0]!.n as number;

  it('lists the rest from the API and links all 45, once, after GitLab failed the first time', async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    server.use(memberHandler({ '1187': 30, '77215': 30 }));
    let failures = 0;
    server.use(
      http.get(api('/projects/:id/repository/commits'), () => {
        if (failures++ > 0) return undefined;
        return HttpResponse.json({ message: '500 Internal Server Error' }, { status: 500 });
      }),
      commitsHandler(commits),
    );
    expect((await push()).status).toBe(200);
    const r = runner();
    await r.runDue();
    expect(await links()).toBe(0);
    const [job] = await t.deps.sql`select state, attempts, last_error from jobs where name = ${DELIVERY_JOB}`;
    expect(job).toMatchObject({ state: 'pending', attempts: 1 });
    expect(job!.lastError).toMatch(/GitLab GET \/api\/v4\/projects\/4821\/repository\/commits answered 500/);
    await t.deps.sql`update jobs set run_at = now()`;
    await r.runDue();
    expect(await links()).toBe(45);
    const [done] = await t.deps.sql`select state, result from jobs where name = ${DELIVERY_JOB}`;
    expect(done).toMatchObject({ state: 'done', result: 'push: 45 commits, 45 events appended; 45 commits listed from the API' });
    // The same push again (a resend) adds nothing.
    await t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': secret, 'Idempotency-Key': 'push-45-resent' }, body: JSON.stringify({ ...JSON.parse(readFileSync(new URL('../fixtures/gitlab-webhooks/push.json', import.meta.url), 'utf8')), commits: [], total_commits_count: 45 }) });
    await r.runDue();
    expect(await links()).toBe(45);
  });

  it("lists a new branch's commits not on the default branch and links the session named by the 23rd of 25", async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    // Newest first, as GitLab's API lists them; only the 23rd (an old one) names the session.
    const branch = Array.from({ length: 25 }, (_, i) => ({
      id: sha(100 + i),
      message: i === 22 ? `step ${i}\n\nX-GitLab-Duo-Session: 9137\n` : `step ${i}\n`,
      author_name: 'Dana Developer',
      author_email: 'dana@example.test',
    }));
    const seen: string[] = [];
    server.use(memberHandler({ '1187': 30, '77215': 30 }), commitsHandler(branch, seen));
    const body = JSON.parse(readFileSync(new URL('../fixtures/gitlab-webhooks/push.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    body.before = '0'.repeat(40);
    body.after = branch[0]!.id;
    body.ref = 'refs/heads/duo/new-branch';
    // The payload holds the newest 20, oldest first: the 23rd is not among them.
    body.commits = branch.slice(0, 20).reverse().map((c) => ({ id: c.id, message: c.message, timestamp: '2026-03-10T14:20:00+00:00', url: `${GITLAB}/c/${c.id}`, author: { name: c.author_name, email: c.author_email } }));
    body.total_commits_count = 25;
    const res = await t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Token': secret, 'Idempotency-Key': 'push-new-branch' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await runner().runDue();
    expect(seen).toEqual([`main..${branch[0]!.id} page 1`]);
    const linked = await t.deps.sql`select leaf::jsonb->'data'->>'resource_id' as sha from audit_events where type = 'duo_flow_resource_linked' and session_id = '9137'`;
    expect(linked.map((l) => l.sha)).toEqual([sha(122)]);
    const [done] = await t.deps.sql`select state, result from jobs where name = ${DELIVERY_JOB}`;
    expect(done).toMatchObject({ state: 'done', result: 'push: 25 commits, 1 events appended; 25 commits listed from the API (new branch: the commits not on main)' });
  });
});
