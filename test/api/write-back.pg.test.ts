import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { WRITE_BACK_JOB } from '../../src/jobs/index.js';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { api, BOT_USER, currentUserHandler, GITLAB, memberHandler } from '../support/gitlab.js';
import { gitlabDeliveries } from '../support/gitlab-deliveries.js';
import { server } from '../support/msw.js';

const secret = 'write-back-secret';
const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
const pushBody = readFileSync(new URL('push.json', dir), 'utf8');
const mrOpen = JSON.parse(readFileSync(new URL('merge_request_open.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;
const noteOnMr = JSON.parse(readFileSync(new URL('note_on_mr.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;

describe('write-back to agent merge requests', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: secret, FLOWTRAIL_PUBLIC_URL: 'https://flowtrail.example.test' });
  const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot' });
  // GitLab's merge request !57 as msw plays it: its description and notes, and every write seen.
  let mr: { description: string; notes: string[]; writes: string[]; failNext: number };
  // GET /user (who the bot is) is asked once by this client and then kept.
  const whoAmI = { n: 0 };
  beforeEach(() => {
    mr = { description: String(mrOpen.object_attributes!.description), notes: [], writes: [], failNext: 0 };
    server.use(
      currentUserHandler(BOT_USER, whoAmI),
      memberHandler({ '1187': 30, '77215': 30 }),
      http.get(api('/ai/duo_workflows/workflows/:id/trace.jsonl'), () => new HttpResponse('', { status: 200 })),
      http.get(api('/projects/:id/merge_requests/:iid'), () => HttpResponse.json({ iid: 57, description: mr.description })),
      http.put(api('/projects/:id/merge_requests/:iid'), async ({ request }) => {
        if (mr.failNext-- > 0) return HttpResponse.json({ message: '429 Too Many Requests' }, { status: 429, headers: { 'retry-after': '30' } });
        const body = (await request.json()) as { description: string };
        mr.description = body.description;
        mr.writes.push('description');
        return HttpResponse.json({ iid: 57, description: mr.description });
      }),
      http.get(api('/projects/:id/merge_requests/:iid/notes'), () => HttpResponse.json(mr.notes.map((body, i) => ({ id: i + 1, body })))),
      http.post(api('/projects/:id/merge_requests/:iid/notes'), async ({ request }) => {
        const body = (await request.json()) as { body: string };
        mr.notes.push(body.body);
        mr.writes.push('note');
        return HttpResponse.json({ id: mr.notes.length, body: body.body }, { status: 201 });
      }),
    );
  });
  const { deliver, work } = gitlabDeliveries(t, secret, gitlab);
  const seed = async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    await deliver('Push Hook', pushBody, 'push');
    await work();
  };

  it('writes one footer and one note however often the delivery comes, and ignores its own edit coming back', async () => {
    await seed();
    for (const key of ['a', 'b', 'c']) await deliver('Merge Request Hook', mrOpen, `mr-${key}`);
    await work();
    expect(mr.writes).toEqual(['description', 'note']);
    expect(mr.description).toContain('<!-- flowtrail:session=9137 -->\nCreated by Duo Agent Platform flow session [9137](https://flowtrail.example.test/-/duo/sessions/9137)');
    expect(mr.notes).toEqual(['Created by Duo Agent Platform flow session [9137](https://flowtrail.example.test/-/duo/sessions/9137)\n\n<!-- flowtrail:session=9137 -->']);
    // The bot's own edit arrives as an update delivery: nothing more is written.
    const own = structuredClone(mrOpen);
    own.object_attributes = { ...own.object_attributes, action: 'update', description: mr.description };
    own.changes = { description: { previous: String(mrOpen.object_attributes!.description), current: mr.description } };
    await deliver('Merge Request Hook', own, 'mr-own-edit');
    await work();
    expect(mr.writes).toEqual(['description', 'note']);
  });

  it('restores a footer a person removed and audits it; an immediate second removal is audited but not restored', async () => {
    await seed();
    await deliver('Merge Request Hook', mrOpen, 'mr-open');
    await work();
    const withFooter = mr.description;
    mr.description = String(mrOpen.object_attributes!.description);
    const removal = structuredClone(mrOpen);
    removal.user = { id: 1187, name: 'Dana Whitfield', username: 'dwhitfield' };
    removal.object_attributes = { ...removal.object_attributes, action: 'update', description: mr.description };
    removal.changes = { description: { previous: withFooter, current: mr.description } };
    await deliver('Merge Request Hook', removal, 'mr-removal');
    await work();
    expect(mr.writes).toEqual(['description', 'note', 'description']);
    expect(mr.description).toContain('<!-- flowtrail:session=9137 -->');
    // The person removes it again at once.
    mr.description = String(mrOpen.object_attributes!.description);
    await deliver('Merge Request Hook', removal, 'mr-removal-again');
    await work();
    expect(mr.writes).toEqual(['description', 'note', 'description']);
    const audited = await t.deps.sql`select session_id, leaf from audit_events where type = 'duo_flow_footer_restored' order by seq`;
    expect(audited.map((r) => [r.sessionId, JSON.parse(r.leaf as string).data.restored, JSON.parse(r.leaf as string).data.reason])).toEqual([['9137', true, undefined], ['9137', false, 'rate-limited']]);
    // The removal stands: a later delivery neither restores it nor audits it again.
    await deliver('Merge Request Hook', mrOpen, 'mr-later');
    await work();
    expect(mr.writes).toEqual(['description', 'note', 'description']);
    expect(await t.deps.sql`select count(*)::int as n from audit_events where type = 'duo_flow_footer_restored'`).toEqual([{ n: 2 }]);
  });

  it('retries a 429 after Retry-After and still writes exactly once', async () => {
    await seed();
    mr.failNext = 1;
    await deliver('Merge Request Hook', mrOpen, 'mr-429');
    const runner = t.jobRunner(gitlab, { baseDelayMs: 0 });
    await runner.runDue();
    const [job] = await t.deps.sql`select state, run_at > now() + interval '25 seconds' as waits from jobs where name = ${WRITE_BACK_JOB}`;
    expect(job).toMatchObject({ state: 'pending', waits: true });
    await t.deps.sql`update jobs set run_at = now() where state = 'pending'`;
    await runner.runDue();
    expect(mr.writes).toEqual(['description', 'note']);
  });

  it("changes nothing and calls GitLab not at all when the bot's own description edit and note come back", async () => {
    await seed();
    await deliver('Merge Request Hook', mrOpen, 'mr-open');
    await work();
    expect(mr.writes).toEqual(['description', 'note']);
    await t.deps.integrator.integrate();
    const [before] = await t.deps.sql`select count(*)::int as n from audit_events`;
    const bot = { id: BOT_USER.id, name: BOT_USER.name, username: BOT_USER.username };
    // GitLab's deliveries for the bot's own footer edit and its own session note.
    const edit = structuredClone(mrOpen);
    edit.user = bot;
    edit.object_attributes = { ...edit.object_attributes, action: 'update', description: mr.description };
    edit.changes = { description: { previous: String(mrOpen.object_attributes!.description), current: mr.description } };
    const note = structuredClone(noteOnMr);
    note.user = bot;
    note.object_attributes = { ...note.object_attributes, id: 2290500, author_id: BOT_USER.id, note: mr.notes[0] };
    const calls: string[] = [];
    server.events.on('request:start', ({ request }) => calls.push(`${request.method} ${new URL(request.url).pathname}`));
    try {
      for (const key of ['a', 'b']) {
        await deliver('Merge Request Hook', edit, `bot-edit-${key}`);
        await deliver('Note Hook', note, `bot-note-${key}`);
      }
      await work();
    } finally {
      server.events.removeAllListeners();
    }
    expect(calls).toEqual([]);
    expect(whoAmI.n).toBeLessThanOrEqual(1);
    expect(mr.writes).toEqual(['description', 'note']);
    const jobs = await t.deps.sql`select j.state, j.result from jobs j join deliveries d on d.id = (j.payload->>'delivery_id')::bigint
      where d.headers->>'idempotency-key' like 'bot-%' order by j.id`;
    expect(jobs).toHaveLength(4);
    for (const j of jobs) expect(j).toEqual({ state: 'done', result: "skipped: caused by flowtrail's own GitLab user flowtrail-bot; not acted on" });
    await t.deps.integrator.integrate();
    const [after] = await t.deps.sql`select count(*)::int as n from audit_events`;
    expect(after!.n).toBe(before!.n);
    expect(await t.deps.sql`select count(*)::int as n from jobs where name = ${WRITE_BACK_JOB}`).toEqual([{ n: 1 }]);
  });
});
