import { delay, http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { useTestApp, STREAMING_TOKEN } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { GITLAB } from '../support/gitlab.js';
import { server } from '../support/msw.js';
import { createFakeGitlab, seededPerRequest } from './fake-gitlab.js';
import { deliver, drain, MR_DESCRIPTION, PUSH_BODY, mrDelivery, seedSession, startReplica, WEBHOOK_SECRET, type Replica } from './replicas.js';

const marker = '<!-- flowtrail:session=9137 -->';
const TIMEOUT_MS = 150;
const FAULTS = ['429 with Retry-After', '429', '500', '502', 'timeout', 'dropped connection', 'write applied, answer lost'] as const;
type Fault = (typeof FAULTS)[number];

describe('GitLab failing 30% of calls', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET, FLOWTRAIL_PUBLIC_URL: 'https://flowtrail.example.test' });
  const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot', timeoutMs: TIMEOUT_MS });
  let replicas: Replica[] = [];
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    replicas = [];
  });

  it('still writes back and archives exactly once, with 429s, 500s, 502s, timeouts and dropped connections (seeded)', { timeout: 120_000 }, async () => {
    const iids = [57, 58, 59, 60, 61, 62];
    const fake = createFakeGitlab(Object.fromEntries(iids.map((iid) => [String(iid), MR_DESCRIPTION])));
    const draw = seededPerRequest(20261203);
    const injected = new Map<Fault, number>();
    server.use(...fake.handlers(async (request) => {
      const key = `${request.method} ${new URL(request.url).pathname}`;
      const random = () => draw(key);
      if (random() >= 0.3) return undefined;
      const write = request.method === 'PUT' || request.method === 'POST';
      // Of the failed writes, half reached GitLab and only the answer was lost.
      const fault = write && random() < 0.5 ? 'write applied, answer lost' : FAULTS[Math.floor(random() * (FAULTS.length - 1))]!;
      injected.set(fault, (injected.get(fault) ?? 0) + 1);
      switch (fault) {
        case '429 with Retry-After': return HttpResponse.json({ message: '429 Too Many Requests' }, { status: 429, headers: { 'retry-after': '1' } });
        case '429': return HttpResponse.json({ message: '429 Too Many Requests' }, { status: 429 });
        case '500': return HttpResponse.json({ message: '500 Internal Server Error' }, { status: 500 });
        case '502': return new HttpResponse('<html><body><h1>502 Bad Gateway</h1></body></html>', { status: 502, headers: { 'content-type': 'text/html' } });
        case 'timeout':
          await delay(TIMEOUT_MS * 4);
          return HttpResponse.json({ message: 'too late' }, { status: 200 });
        case 'dropped connection': return HttpResponse.error();
        case 'write applied, answer lost':
          fake.answer(request.method, new URL(request.url).pathname, await request.clone().json());
          return HttpResponse.error();
      }
    }));
    replicas = [startReplica(t, gitlab), startReplica(t, gitlab)];
    // Every job may try 40 times here: at 30% a job of four GitLab calls gets all four through in one attempt a quarter of the time.
    const drainAll = async () => {
      for (let i = 0; i < 400; i++) {
        await t.deps.sql`update jobs set max_attempts = 40 where state = 'pending'`;
        if ((await drain(t, replicas, 1).catch(() => 0)) > 0) return;
      }
      throw new Error('jobs still pending');
    };
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await deliver(t, 'Push Hook', PUSH_BODY, 'push');
    await t.deps.integrator.integrate();
    await drainAll();
    for (let i = 0; i < 3; i++) for (const iid of iids) await deliver(t, 'Merge Request Hook', mrDelivery(iid, { action: i === 0 ? 'open' : 'update' }), `mr-${iid}-${i}`);
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_finished') });
    await t.deps.integrator.integrate();
    await drainAll();

    expect([...injected.keys()].sort()).toEqual([...FAULTS].sort());
    expect(fake.writes.sort()).toEqual([...iids.map((iid) => `POST !${iid}`), ...iids.map((iid) => `PUT !${iid}`)]);
    for (const mr of fake.mrs.values()) {
      expect(mr.description.split(marker)).toHaveLength(2);
      expect(mr.description.startsWith(MR_DESCRIPTION)).toBe(true);
      expect(mr.notes.filter((n) => n.body.includes(marker))).toHaveLength(1);
    }
    expect(fake.traceFetches.get('9137')).toBeGreaterThanOrEqual(1);
    expect(await t.deps.sql`select count(*)::int as n from audit_events where type = 'duo_flow_activity_archived' and session_id = '9137'`).toEqual([{ n: 1 }]);
    expect(await t.deps.sql`select state, count(*)::int as n from jobs group by state`).toEqual([{ state: 'done', n: expect.any(Number) }]);
    const reasons = (await t.deps.sql<{ lastError: string }[]>`select last_error from jobs where last_error is not null`).map((r) => r.lastError).join('\n');
    // Each job keeps its last reason in words (earlier ones are overwritten by later attempts).
    for (const words of [`no answer within ${TIMEOUT_MS / 1000} s`, 'the connection failed (Failed to fetch)', 'answered 429: 429 Too Many Requests', 'answered 500']) expect(reasons).toContain(words);
    expect(fake.unexpected).toEqual([]);
  });

  it('keeps answering webhooks while a GitLab call hangs, and gives the call up after the timeout', async () => {
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION });
    server.use(...fake.handlers());
    replicas = [startReplica(t, gitlab)];
    await seedSession(t, replicas);
    let release: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    server.use(http.get(`${GITLAB}/api/v4/projects/:id/merge_requests/:iid`, async () => {
      calls++;
      await hung;
      return HttpResponse.json({ iid: 57, description: MR_DESCRIPTION });
    }));
    await deliver(t, 'Merge Request Hook', mrDelivery(57), 'mr-open');
    const working = replicas[0]!.runner.runDue();
    while (calls === 0) await delay(5);
    // The worker is inside a GitLab call that does not answer: the intake still stores and answers every delivery.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => deliver(t, 'Merge Request Hook', mrDelivery(57, { action: 'update' }), `mr-during-${i}`)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await t.deps.sql`select count(*)::int as n from deliveries where headers->>'idempotency-key' like 'mr-during-%'`).toEqual([{ n: 20 }]);
    await replicas[0]!.runner.stop();
    await working;
    release();
    const [job] = await t.deps.sql`select state, last_error from jobs where name = 'write_back_merge_request' order by id limit 1`;
    expect(job).toMatchObject({ state: 'pending' });
    expect(String(job!.lastError)).toContain(`GitLab GET /api/v4/projects/4821/merge_requests/57 failed: no answer within ${TIMEOUT_MS / 1000} s`);
  });
});
