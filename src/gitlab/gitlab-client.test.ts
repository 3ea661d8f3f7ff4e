import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { api, BOT_USER, commitsHandler, currentUserHandler, GITLAB, memberHandler, sha } from '../../test/support/gitlab.js';
import { server } from '../../test/support/msw.js';
import { createGitlabClient } from './gitlab-client.js';
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
});
