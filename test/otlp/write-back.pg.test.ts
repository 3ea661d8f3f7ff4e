import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { useTestApp } from '../support/app.js';
import { api, BOT_USER, currentUserHandler, GITLAB } from '../support/gitlab.js';
import { gitlabDeliveries } from '../support/gitlab-deliveries.js';
import { server } from '../support/msw.js';
import { agentRun, newTraceId, otlpJson } from '../support/otlp-json.js';

const secret = 'otlp-write-back-secret';
const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
const mrOpen = JSON.parse(readFileSync(new URL('merge_request_open.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;
const SESSION = 'otlp:conv-mr-1';

/** GitLab's push of !57's branch, its commits carrying the OTLP session's trailer instead of session 9137's. */
function pushBody(): string {
  const push = JSON.parse(readFileSync(new URL('push.json', dir), 'utf8')) as { commits: { message: string }[] };
  for (const c of push.commits) c.message = `${c.message.split('\n\n')[0]}\n\nX-GitLab-Duo-Session: ${SESSION}\n`;
  return JSON.stringify(push);
}

describe('an OTLP session gets the same linkage and write-back as a DAP session (GitLab played by msw)', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: secret, FLOWTRAIL_PUBLIC_URL: 'https://flowtrail.example.test' });
  const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot' });
  let mr: { description: string; notes: string[]; writes: string[] };
  beforeEach(() => {
    mr = { description: String(mrOpen.object_attributes!.description), notes: [], writes: [] };
    server.use(
      currentUserHandler(BOT_USER),
      http.get(api('/projects/:id/merge_requests/:iid'), () => HttpResponse.json({ iid: 57, description: mr.description })),
      http.put(api('/projects/:id/merge_requests/:iid'), async ({ request }) => {
        mr.description = ((await request.json()) as { description: string }).description;
        mr.writes.push('description');
        return HttpResponse.json({ iid: 57, description: mr.description });
      }),
      http.get(api('/projects/:id/merge_requests/:iid/notes'), () => HttpResponse.json(mr.notes.map((body, i) => ({ id: i + 1, body })))),
      http.post(api('/projects/:id/merge_requests/:iid/notes'), async ({ request }) => {
        const body = ((await request.json()) as { body: string }).body;
        mr.notes.push(body);
        mr.writes.push('note');
        return HttpResponse.json({ id: mr.notes.length, body }, { status: 201 });
      }),
    );
  });
  const { deliver, work } = gitlabDeliveries(t, secret, gitlab);

  it("links the commits carrying the OTLP session's trailer, and writes its footer and note on the merge request once", async () => {
    const run = agentRun(Date.now() - 10 * 60_000, undefined, 'conv-mr-1');
    const ingest = await t.app.request('/v1/traces', {
      method: 'POST', headers: { Authorization: `Bearer ${await t.token('ingest')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(otlpJson(newTraceId(), { 'service.name': 'release-bot', 'enduser.id': 'dwhitfield', 'vcs.repository.url.full': 'https://gitlab.example.com/acme-platform/payments-api.git' }, [run.chat, run.tool, run.root])),
    });
    expect(await ingest.json()).toEqual({});

    expect((await deliver('Push Hook', pushBody(), 'push')).status).toBe(200);
    await work();
    for (const key of ['a', 'b']) expect((await deliver('Merge Request Hook', mrOpen, `mr-${key}`)).status).toBe(200);
    await work();

    expect(mr.writes).toEqual(['description', 'note']);
    const line = `Created by Duo Agent Platform flow session [${SESSION}](https://flowtrail.example.test/-/duo/sessions/${encodeURIComponent(SESSION)})`;
    expect(mr.description).toContain(`<!-- flowtrail:session=${SESSION} -->\n${line}`);
    expect(mr.notes).toEqual([`${line}\n\n<!-- flowtrail:session=${SESSION} -->`]);

    await t.deps.integrator.integrate();
    const { session, resources } = (await (await t.get(`/api/v1/sessions/${encodeURIComponent(SESSION)}`, await t.token('auditor'))).json()) as {
      session: Record<string, unknown>; resources: { resource_type: string; resource_id: string; link_method: string }[];
    };
    expect(session).toMatchObject({ session_id: SESSION, source: 'otlp', project: { path: 'acme-platform/payments-api' } });
    expect(resources.map((r) => `${r.resource_type} ${r.resource_id} ${r.link_method}`).sort()).toEqual(expect.arrayContaining([
      'Commit defd29c1b0a67c60ec110c86ac0f047f50603595 trailer', 'Commit f82a3c6d767009dd813d74335089c50cc1faf01c trailer',
    ]));
    expect(resources.some((r) => r.resource_type === 'MergeRequest')).toBe(true);
    // No job failed: GitLab was asked nothing it cannot answer (the OTLP initiator is a name, not a GitLab user id, and says so).
    expect(await t.deps.sql`select name, last_error from jobs where last_error is not null`).toEqual([]);
    const [auth] = await t.deps.sql<{ leaf: string }[]>`select leaf from audit_events where type = 'duo_flow_authorization_unverified' and session_id = ${SESSION}`;
    expect(JSON.parse(auth!.leaf).data.reason).toBe('the initiator is named "dwhitfield", not by a GitLab user id, so GitLab\'s project membership could not be asked');
    // A trailer of an existing session of this project: no forged-reference alert.
    expect(await t.deps.sql`select count(*)::int as n from audit_events where type = 'duo_flow_unknown_session_reference'`).toEqual([{ n: 0 }]);
  });
});
