import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse, passthrough } from 'msw';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createApiToken } from '../../src/auth/index.js';
import type { Database } from '../../src/store/index.js';
import { runCli } from '../../src/cli/main.js';
import { startService, type Service } from '../../src/service.js';
import { loadConfig } from '../../src/config.js';
import { STREAMING_TOKEN } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { GITLAB } from '../support/gitlab.js';
import { server } from '../support/msw.js';
import { createTestDatabase, target } from '../support/pg.js';
import { WebClient } from '../support/web.js';
import { createFakeGitlab } from './fake-gitlab.js';
import { MR_DESCRIPTION, mrDelivery, PUSH_BODY, WEBHOOK_SECRET } from './replicas.js';

// The whole service (startService, its worker, its /metrics and dashboard)
// against a GitLab that stays down: its jobs become dead letters with their
// reasons, and `flowtrail jobs retry` (through the running service on the
// embedded database, directly on PostgreSQL) sends them back once GitLab is up.

const BAD_GATEWAY = '<html><body><h1>502 Bad Gateway</h1></body></html>';

describe('a GitLab that stays down', () => {
  let dir: string;
  let db: (Database & { url?: string }) | undefined;
  let env: Record<string, string>;
  let service: Service;
  let admin: string;
  const cli = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await runCli(argv, env, (s) => lines.push(s), (s) => lines.push(s));
    return { code, out: lines.join('\n') };
  };
  const call = (path: string, init: RequestInit = {}) => fetch(`${service.url}${path}`, init);
  const deliver = (event: string, body: unknown, key: string) =>
    call('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': event, 'X-Gitlab-Token': WEBHOOK_SECRET, 'Idempotency-Key': key }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  /** Lets the service's own worker run everything due, bringing retries forward, until nothing is pending. */
  const settle = async () => {
    for (let i = 0; i < 600; i++) {
      const [p] = await service.deps.sql<{ n: number }[]>`select count(*)::int as n from jobs where state = 'pending'`;
      if (p!.n === 0) return;
      await service.deps.sql`update jobs set run_at = now() where state = 'pending' and run_at > now()`;
      service.deps.jobRunner!.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('jobs still pending');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowtrail-dead-letters-'));
    if (target === 'postgres') db = await createTestDatabase();
    // Keys are generated into the data directory, where the CLI finds them too.
    env = {
      FLOWTRAIL_STREAMING_TOKEN: STREAMING_TOKEN, FLOWTRAIL_DATA_DIR: join(dir, 'data'), FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'silent',
      FLOWTRAIL_GITLAB_URL: GITLAB, FLOWTRAIL_GITLAB_TOKEN: 'glpat-bot', FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...(db?.url === undefined ? {} : { FLOWTRAIL_DATABASE_URL: db.url }),
    };
    service = await startService(loadConfig(env), pino({ level: 'silent' }));
    admin = (await createApiToken(service.deps.sql, { role: 'admin', name: 'dead letters test' }, { id: 'test' })).token;
  });
  afterAll(async () => {
    await service?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('turns into dead letters with reasons, shown by the API, /metrics, the dashboard and the CLI, and retried once GitLab is back', { timeout: 120_000 }, async () => {
    const passService = http.all(`${service.url}/*`, () => passthrough());
    let calls = 0;
    server.use(passService, http.all(`${GITLAB}/*`, () => {
      calls++;
      return new HttpResponse(BAD_GATEWAY, { status: 502, headers: { 'content-type': 'text/html' } });
    }));
    const started = await call('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    expect(started.status).toBe(200);
    expect((await deliver('Push Hook', PUSH_BODY, 'push')).status).toBe(200);
    expect((await deliver('Merge Request Hook', mrDelivery(57), 'mr-open')).status).toBe(200);
    const finished = await call('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_finished') });
    expect(finished.status).toBe(200);
    await service.integrator.integrate();
    // "For an hour": three attempts each instead of the backoff's hours.
    await service.deps.sql`update jobs set max_attempts = 3`;
    await settle();
    expect(calls).toBeGreaterThan(0);

    const listing = (await (await call('/api/v1/jobs?state=dead', { headers: { authorization: `Bearer ${admin}` } })).json()) as { counts: { dead: number; pending: number }; jobs: { id: number; name: string; attempts: number; last_error: string }[] };
    // The MR delivery (who is the bot?) and the archival (trace.jsonl) gave up; the authorization check records
    // "unverified" after its attempts by design, and the push needed no GitLab call.
    expect(listing.counts).toMatchObject({ dead: 2, pending: 0 });
    expect(listing.jobs.map((j) => j.name).sort()).toEqual(['archive_session', 'gitlab.delivery']);
    for (const j of listing.jobs) {
      expect(j.attempts).toBe(3);
      expect(j.last_error).toMatch(/^GitlabError: GitLab GET \/api\/v4\/\S+ answered 502: <html><body><h1>502 Bad Gateway/);
    }
    const metrics = await (await call('/metrics', { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(metrics).toMatch(/^flowtrail_jobs_dead 2$/m);
    expect(metrics).toMatch(/^flowtrail_jobs_total\{name="archive_session",outcome="dead"\} 1$/m);

    const web = new WebClient(createApp(service.deps));
    await web.signIn(admin);
    const page = await (await web.get('/admin/duo_agent_platform/audit')).text();
    expect(page).toContain('2 jobs have stopped being retried');
    expect(page).toContain('Processing a GitLab webhook delivery');
    expect(page).toContain('Copying a session&#39;s activity from GitLab before it is purged');
    expect(page).toContain('GitLab (or the proxy in front of it) is failing: GitLab GET /api/v4/');
    expect(page).toContain('&lt;h1&gt;502 Bad Gateway');
    expect(page).not.toContain('<h1>502 Bad Gateway');

    const listed = await cli('jobs', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('pending 0, done');
    expect(listed.out).toContain('dead 2');
    expect(listed.out).toMatch(/\tgitlab\.delivery\tdead\t3\/3\tGitlabError: GitLab GET \/api\/v4\/user answered 502/);

    // GitLab is back.
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION });
    server.use(...fake.handlers());
    const archival = listing.jobs.find((j) => j.name === 'archive_session')!;
    const one = await cli('jobs', 'retry', '--id', String(archival.id));
    expect(one).toMatchObject({ code: 0, out: expect.stringContaining(`queued again: job ${archival.id} (archive_session); it had failed with: GitlabError: GitLab GET /api/v4/ai/duo_workflows/workflows/9137/trace.jsonl answered 502`) });
    expect(await cli('jobs', 'retry', '--id', String(archival.id))).toMatchObject({ code: 1 });
    await settle();
    const all = await cli('jobs', 'retry', '--all-dead');
    expect(all.code).toBe(0);
    expect(all.out.split('\n')).toHaveLength(1);
    await settle();
    expect(await cli('jobs', 'retry', '--all-dead')).toEqual({ code: 0, out: 'no dead letters to retry' });

    expect(fake.writes).toEqual(['PUT !57', 'POST !57']);
    expect(fake.traceFetches.get('9137')).toBe(1);
    expect(await service.deps.sql`select distinct state from jobs`).toEqual([{ state: 'done' }]);
    await service.integrator.integrate();
    expect(await service.deps.sql`select count(*)::int as n from audit_events where type = 'duo_flow_activity_archived'`).toEqual([{ n: 1 }]);
    const retries = await service.deps.sql<{ leaf: string }[]>`select leaf from audit_events where type = 'jobs_retried' order by seq`;
    const data = retries.map((r) => (JSON.parse(r.leaf) as { data: { jobs: { id: number; name: string }[]; actor: string } }).data);
    expect(data.map((d) => d.jobs.map((j) => j.name))).toEqual([['archive_session'], ['gitlab.delivery']]);
    expect(data[0]!.jobs[0]).toMatchObject({ id: archival.id, last_error: expect.stringContaining('answered 502') });
    // Through the running service the actor is its local CLI token; on PostgreSQL the CLI writes itself.
    const [bridge] = await service.deps.sql<{ id: string }[]>`select id from api_tokens where purpose = 'cli_bridge' and revoked_at is null`;
    for (const d of data) expect(d.actor).toBe(target === 'postgres' ? 'cli' : bridge!.id);
  });

  it('answers 404 for a job that is not a dead letter and 400 for an id that is not one, and refuses other roles', async () => {
    server.use(http.all(`${service.url}/*`, () => passthrough()));
    const post = (path: string, token = admin) => call(path, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await post('/api/v1/jobs/999999/retry')).status).toBe(404);
    expect((await post('/api/v1/jobs/abc/retry')).status).toBe(400);
    expect((await post('/api/v1/jobs/99999999999999999999/retry')).status).toBe(400);
    const auditor = (await createApiToken(service.deps.sql, { role: 'auditor', name: 'auditor' }, { id: 'test' })).token;
    expect((await post('/api/v1/jobs/retry-dead', auditor)).status).toBe(403);
    expect((await post('/api/v1/jobs/retry-dead', 'ftk_wrong')).status).toBe(401);
  });

  it('refuses a jobs command it cannot read with exit status 2, and says the job is not a dead letter with 1', async () => {
    server.use(http.all(`${service.url}/*`, () => passthrough()));
    for (const argv of [['jobs', 'retry'], ['jobs', 'retry', '--id', '3', '--all-dead'], ['jobs', 'retry', '--id', 'x'], ['jobs', 'list', '--state', 'stuck'], ['jobs', 'list', '--limit', '0'], ['jobs', 'requeue']]) {
      expect((await cli(...argv)).code).toBe(2);
    }
    expect(await cli('jobs', 'retry', '--id', '424242')).toMatchObject({ code: 1 });
    expect((await cli('jobs', '--help')).out).toContain('flowtrail jobs retry --id N | --all-dead');
  });
});
