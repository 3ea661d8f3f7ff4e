import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, BOT_USER, commitsHandler, currentUserHandler, GITLAB, memberHandler, sha } from '../../test/support/gitlab.js';
import { server } from '../../test/support/msw.js';
import { createGitlabClient, retryAfterSeconds } from './gitlab-client.js';
import { GitlabError } from './gitlab-error.js';

const client = createGitlabClient({ url: GITLAB, token: 'glpat-test-token' });

describe('createGitlabClient', () => {
  it('pages through every commit of a range and sends the token', async () => {
    const seen: string[] = [];
    const commits = Array.from({ length: 145 }, (_, i) => ({ id: sha(i), message: `commit ${i}\n\nbody`, author_name: 'Duo Developer', author_email: 'duo@example.test' }));
    server.use(commitsHandler(commits, seen));
    let token: string | null = null;
    server.events.on('request:start', ({ request }) => {
      token = request.headers.get('private-token');
    });
    const all = await client.commitsBetween('4821', 'aaa', 'bbb');
    server.events.removeAllListeners();
    expect(all).toHaveLength(145);
    expect(all[144]).toMatchObject({ id: sha(144), title: 'commit 144', authorName: 'Duo Developer' });
    expect(seen).toEqual(['aaa..bbb page 1', 'aaa..bbb page 2']);
    expect(token).toBe('glpat-test-token');
  });

  it('lists every commit a ref reaches when there is no start (the first push of a default branch)', async () => {
    const seen: string[] = [];
    server.use(commitsHandler([{ id: sha(1), message: 'first', author_name: 'a', author_email: 'a@example.test' }], seen));
    expect(await client.commitsBetween('4821', null, 'bbb')).toHaveLength(1);
    expect(seen).toEqual(['bbb page 1']);
  });

  it('reads access levels and answers null for a non-member', async () => {
    server.use(memberHandler({ '1187': 30 }));
    expect(await client.memberAccessLevel('4821', '1187')).toBe(30);
    expect(await client.memberAccessLevel('4821', '9')).toBeNull();
  });

  it("turns GitLab's errors into GitlabError with status and Retry-After, without retrying", async () => {
    let calls = 0;
    server.use(http.get(api('/projects/:id/members/all/:userId'), () => {
      calls++;
      return HttpResponse.json({ message: '429 Too Many Requests' }, { status: 429, headers: { 'retry-after': '7' } });
    }));
    const err = await client.memberAccessLevel('4821', '1187').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitlabError);
    expect(err).toMatchObject({ httpStatus: 429, retryAfter: 7, code: 'upstream' });
    expect(String((err as Error).message)).not.toContain('glpat');
    expect(calls).toBe(1);
    server.use(http.get(api('/projects/:id/members/all/:userId'), () => HttpResponse.error()));
    await expect(client.memberAccessLevel('4821', '1187')).rejects.toMatchObject({ httpStatus: null });
  });

  it('asks GitLab once who the bot is and keeps it, but asks again after a failure', async () => {
    const own = createGitlabClient({ url: GITLAB, token: 'glpat-bot-token' });
    server.use(http.get(api('/user'), () => HttpResponse.json({ message: '502 Bad Gateway' }, { status: 502 })));
    await expect(own.currentUser()).rejects.toMatchObject({ httpStatus: 502 });
    const calls = { n: 0 };
    server.use(currentUserHandler(BOT_USER, calls));
    expect(await own.currentUser()).toEqual({ id: '4242', username: 'flowtrail-bot' });
    expect(await own.currentUser()).toEqual({ id: '4242', username: 'flowtrail-bot' });
    expect(calls.n).toBe(1);
  });

  it('gives up a call GitLab does not answer within the timeout, and says so', async () => {
    const quick = createGitlabClient({ url: GITLAB, token: 'glpat-test-token', timeoutMs: 100 });
    server.use(http.get(api('/projects/:id/merge_requests/:iid'), async () => {
      await delay(2_000);
      return HttpResponse.json({ iid: 57, description: 'late' });
    }));
    const err = await quick.mergeRequestDescription('4821', '57').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitlabError);
    expect((err as Error).message).toBe('GitLab GET /api/v4/projects/4821/merge_requests/57 failed: no answer within 0.1 s');
  });

  it('says a dropped connection failed, and explains a status with its Retry-After', async () => {
    server.use(http.post(api('/projects/:id/merge_requests/:iid/notes'), () => HttpResponse.error()));
    const dropped = await client.createMergeRequestNote('4821', '57', 'x').catch((e: unknown) => e);
    expect((dropped as Error).message).toBe('GitLab POST /api/v4/projects/4821/merge_requests/57/notes failed: the connection failed (Failed to fetch)');
    const at = new Date(Date.now() + 90_000).toUTCString();
    server.use(http.put(api('/projects/:id/merge_requests/:iid'), () => HttpResponse.json({ message: '429 Too Many Requests' }, { status: 429, headers: { 'retry-after': at } })));
    const limited = await client.setMergeRequestDescription('4821', '57', 'x').catch((e: unknown) => e);
    expect(limited).toMatchObject({ httpStatus: 429, retryAfter: expect.any(Number) });
    expect((limited as GitlabError).retryAfter).toBeGreaterThanOrEqual(89);
    expect((limited as Error).message).toMatch(/^GitLab PUT \/api\/v4\/projects\/4821\/merge_requests\/57 answered 429: 429 Too Many Requests \(asked to wait (89|90|91) s\)$/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds('0')).toBeNull();
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('2026-10-21T07:27:00Z'))).toBe(60);
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('2026-10-21T08:00:00Z'))).toBe(1);
  });

  it('answers the id of the note it posted and every note with its id', async () => {
    server.use(
      http.post(api('/projects/:id/merge_requests/:iid/notes'), () => HttpResponse.json({ id: 2290501, body: 'x' }, { status: 201 })),
      http.get(api('/projects/:id/merge_requests/:iid/notes'), () => HttpResponse.json([{ id: 1, body: 'a' }, { id: 2, body: null }])),
    );
    expect(await client.createMergeRequestNote('4821', '57', 'x')).toBe(2290501);
    expect(await client.mergeRequestNotes('4821', '57')).toEqual([{ id: 1, body: 'a' }, { id: 2, body: '' }]);
  });
});
