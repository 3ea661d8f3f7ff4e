import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { WRITE_BACK_JOB } from '../../src/jobs/index.js';
import { useTestApp } from '../support/app.js';
import { GITLAB } from '../support/gitlab.js';
import { server } from '../support/msw.js';
import { createFakeGitlab } from './fake-gitlab.js';
import { deliver, drain, MR_DESCRIPTION, mrDelivery, seedSession, startReplica, WEBHOOK_SECRET, type Replica } from './replicas.js';

const marker = '<!-- flowtrail:session=9137 -->';
const count = (text: string, s: string) => text.split(s).length - 1;

describe('write-back from many workers at once', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET, FLOWTRAIL_PUBLIC_URL: 'https://flowtrail.example.test' });
  const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot' });
  let replicas: Replica[] = [];
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    replicas = [];
  });

  it('writes one footer and one note per merge request when four workers take the same deliveries at once', async () => {
    // GitLab answers slowly enough that the workers' reads and writes interleave.
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION, '58': MR_DESCRIPTION }, { latencyMs: 15 });
    server.use(...fake.handlers());
    replicas = [0, 1, 2, 3].map(() => startReplica(t, gitlab));
    await seedSession(t, replicas);
    // 24 distinct deliveries per merge request (opened, edited, labelled...), each sent to every replica's intake as GitLab retries do.
    const sends: Promise<Response>[] = [];
    for (let i = 0; i < 24; i++) {
      for (const iid of [57, 58]) {
        const body = mrDelivery(iid, { action: i === 0 ? 'open' : 'update', updated_at: `2026-03-10 14:${String(i).padStart(2, '0')}:00 UTC` });
        for (let copy = 0; copy < 3; copy++) sends.push(deliver(t, 'Merge Request Hook', body, `mr-${iid}-${i}`));
      }
    }
    expect((await Promise.all(sends)).map((r) => r.status).every((s) => s === 200)).toBe(true);
    await drain(t, replicas);

    expect(fake.writes.sort()).toEqual(['POST !57', 'POST !58', 'PUT !57', 'PUT !58']);
    for (const iid of ['57', '58']) {
      const mr = fake.mrs.get(iid)!;
      expect(count(mr.description, marker)).toBe(1);
      expect(mr.notes.filter((n) => n.body.includes(marker))).toHaveLength(1);
    }
    const jobs = await t.deps.sql<{ state: string; result: string }[]>`select state, result from jobs where name = ${WRITE_BACK_JOB}`;
    expect(jobs.every((j) => j.state === 'done')).toBe(true);
    // The workers did meet: some jobs found the merge request claimed and were queued again.
    expect(jobs.filter((j) => j.result.startsWith('another worker is writing back')).length).toBeGreaterThan(0);
    const record = await t.deps.sql`select mr_iid, kind, state, generation, gitlab_note_id is not null as has_note_id from write_backs order by mr_iid, kind`;
    expect(record).toEqual([
      { mrIid: '57', kind: 'footer', state: 'written', generation: 1, hasNoteId: false },
      { mrIid: '57', kind: 'note', state: 'written', generation: 1, hasNoteId: true },
      { mrIid: '58', kind: 'footer', state: 'written', generation: 1, hasNoteId: false },
      { mrIid: '58', kind: 'note', state: 'written', generation: 1, hasNoteId: true },
    ]);
    expect(await t.deps.sql`select count(*)::int as n from merge_request_claims`).toEqual([{ n: 0 }]);
    expect(fake.unexpected).toEqual([]);
  });

  it('writes nothing twice when GitLab applied a write but its answer was lost', async () => {
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION });
    let lose = { PUT: 1, POST: 1 };
    // The first description edit and the first note reach GitLab, and then the connection drops.
    server.use(...fake.handlers(async (request) => {
      const method = request.method as 'PUT' | 'POST';
      if ((method === 'PUT' || method === 'POST') && lose[method] > 0) {
        lose = { ...lose, [method]: lose[method] - 1 };
        fake.answer(method, new URL(request.url).pathname, await request.clone().json());
        return HttpResponse.error();
      }
      return undefined;
    }));
    replicas = [startReplica(t, gitlab)];
    await seedSession(t, replicas);
    await deliver(t, 'Merge Request Hook', mrDelivery(57), 'mr-open');
    await drain(t, replicas);
    expect(fake.writes).toEqual(['PUT !57', 'POST !57']);
    expect(count(fake.mrs.get('57')!.description, marker)).toBe(1);
    const [job] = await t.deps.sql`select state, attempts, result from jobs where name = ${WRITE_BACK_JOB}`;
    expect(job).toMatchObject({ state: 'done', attempts: 3, result: 'nothing to write: footer and notes present' });
    const notes = await t.deps.sql`select gitlab_note_id::int as id from write_backs where kind = 'note'`;
    expect(notes).toEqual([{ id: fake.mrs.get('57')!.notes[0]!.id }]);
  });

  it('waits for a claim another worker holds, and takes over one whose holder died', async () => {
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION });
    server.use(...fake.handlers());
    replicas = [startReplica(t, gitlab)];
    await seedSession(t, replicas);
    await t.deps.sql`insert into merge_request_claims (project_id, mr_iid, holder, expires_at) values ('4821', '57', 'a live worker', now() + interval '1 minute')`;
    await deliver(t, 'Merge Request Hook', mrDelivery(57), 'mr-open');
    await replicas[0]!.runner.runDue();
    expect(fake.writes).toEqual([]);
    const waiting = await t.deps.sql`select state, run_at > now() as later from jobs where name = ${WRITE_BACK_JOB} order by id`;
    expect(waiting).toEqual([{ state: 'done', later: false }, { state: 'pending', later: true }]);
    // The holder dies: its claim lapses, and the queued job writes.
    await t.deps.sql`update merge_request_claims set expires_at = now() - interval '1 second'`;
    await drain(t, replicas);
    expect(fake.writes).toEqual(['PUT !57', 'POST !57']);
  });

  it('a worker whose claim lapsed while GitLab was slow writes nothing', async () => {
    const fake = createFakeGitlab({ '57': MR_DESCRIPTION });
    server.use(...fake.handlers());
    // While the worker reads the description, another takes the lapsed claim.
    server.use(http.get(`${GITLAB}/api/v4/projects/:id/merge_requests/:iid`, async () => {
      await t.deps.sql`update merge_request_claims set holder = 'another worker', expires_at = now() + interval '1 minute'`;
      return HttpResponse.json({ iid: 57, description: fake.mrs.get('57')!.description });
    }));
    replicas = [startReplica(t, gitlab)];
    await seedSession(t, replicas);
    await deliver(t, 'Merge Request Hook', mrDelivery(57), 'mr-open');
    await replicas[0]!.runner.runDue();
    expect(fake.writes).toEqual([]);
    const [job] = await t.deps.sql`select state, last_error from jobs where name = ${WRITE_BACK_JOB}`;
    expect(job).toMatchObject({ state: 'pending' });
    expect(String(job!.lastError)).toContain('lost the claim on merge request !57');
  });
});
