import { afterEach, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { server } from '../support/msw.js';
import { createFakeGitlab, seededPerRequest, startRealGitlab, type RealGitlab } from './fake-gitlab.js';
import { deliver, drain, MR_DESCRIPTION, mrDelivery, PUSH_BODY, startReplica, WEBHOOK_SECRET, type Replica } from './replicas.js';

// The same faults as gitlab-failing.pg.test.ts, made by a real HTTP server on
// real sockets: connections destroyed before any answer, after the headers and
// half the body, after a write was applied, and requests never answered.

const marker = '<!-- flowtrail:session=9137 -->';
const TIMEOUT_MS = 200;

describe('GitLab dropping connections for real', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET, FLOWTRAIL_PUBLIC_URL: 'https://flowtrail.example.test' });
  let real: RealGitlab | undefined;
  let replicas: Replica[] = [];
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    replicas = [];
    await real?.close();
  });
  const run = async (rounds: number, maxAttempts: number) => {
    for (let i = 0; i < rounds; i++) {
      await t.deps.sql`update jobs set max_attempts = ${maxAttempts} where state = 'pending'`;
      if ((await drain(t, replicas, 1).catch(() => 0)) > 0) return;
    }
  };
  const seed = async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await deliver(t, 'Push Hook', PUSH_BODY, 'push');
    for (const iid of [57, 58]) for (let i = 0; i < 3; i++) await deliver(t, 'Merge Request Hook', mrDelivery(iid, { action: i === 0 ? 'open' : 'update' }), `mr-${iid}-${i}`);
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_finished') });
    await t.deps.integrator.integrate();
  };

  it('writes back and archives exactly once when 30% of connections are dropped, cut halfway or never answered (seeded)', { timeout: 120_000 }, async () => {
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION, '58': MR_DESCRIPTION });
    const random = seededPerRequest(5);
    const seen = new Set<string>();
    real = await startRealGitlab(fake, (method, pathname) => {
      const key = `${method} ${pathname}`;
      if (random(key) >= 0.3) return null;
      // Of the failed writes, half reached GitLab and only the answer was lost.
      const kinds = ['drop', 'half', 'hang'] as const;
      const kind = method !== 'GET' && random(key) < 0.5 ? 'drop-after-apply' : kinds[Math.floor(random(key) * kinds.length)]!;
      seen.add(kind);
      return kind;
    });
    server.use(real.passthrough);
    const gitlab = createGitlabClient({ url: real.url, token: 'glpat-bot', timeoutMs: TIMEOUT_MS });
    replicas = [startReplica(t, gitlab), startReplica(t, gitlab)];
    await seed();
    await run(400, 40);
    expect(await t.deps.sql`select count(*)::int as n from jobs where state <> 'done'`).toEqual([{ n: 0 }]);
    expect([...seen].sort()).toEqual(['drop', 'drop-after-apply', 'half', 'hang']);
    expect(fake.writes.sort()).toEqual(['POST !57', 'POST !58', 'PUT !57', 'PUT !58']);
    for (const mr of fake.mrs.values()) {
      expect(mr.description.startsWith(MR_DESCRIPTION)).toBe(true);
      expect(mr.description.split(marker)).toHaveLength(2);
      expect(mr.notes.filter((n) => n.body.includes(marker))).toHaveLength(1);
    }
    expect(await t.deps.sql`select count(*)::int as n from audit_events where type = 'duo_flow_activity_archived'`).toEqual([{ n: 1 }]);
    expect(fake.unexpected).toEqual([]);
  });

  it('turns a GitLab whose every connection drops into dead letters that say so', async () => {
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION });
    real = await startRealGitlab(fake, () => 'drop');
    server.use(real.passthrough);
    const gitlab = createGitlabClient({ url: real.url, token: 'glpat-bot', timeoutMs: TIMEOUT_MS });
    replicas = [startReplica(t, gitlab)];
    await seed();
    await run(10, 2);
    const dead = await t.deps.sql<{ name: string; lastError: string }[]>`select name, last_error from jobs where state = 'dead' order by id`;
    // Six MR deliveries (who is the bot?) and the archival; the push needed no GitLab call.
    expect(dead.map((j) => j.name).sort()).toEqual(['archive_session', ...Array(6).fill('gitlab.delivery')]);
    for (const j of dead) expect(j.lastError).toMatch(/^GitlabError: GitLab GET \/api\/v4\/\S+ failed: the connection failed \(fetch failed: other side closed\)$/);
    expect(fake.writes).toEqual([]);
  });
});
