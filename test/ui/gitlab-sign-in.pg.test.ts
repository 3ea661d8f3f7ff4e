import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';
import { api, GITLAB } from '../support/gitlab.js';
import { server } from '../support/msw.js';
import { WebClient } from '../support/web.js';

const PEOPLE: Record<string, { id: number; username: string; name: string; is_admin?: boolean; state: string }> = {
  'at-admin': { id: 1, username: 'root', name: 'Ada Admin', is_admin: true, state: 'active' },
  'at-auditor': { id: 7, username: 'ccompliance', name: 'Cora Compliance', state: 'active' },
  'at-dana': { id: 1187, username: 'dwhitfield', name: 'Dana Whitfield', state: 'active' },
  'at-blocked': { id: 9, username: 'gone', name: 'Gone', state: 'blocked' },
};

/** GitLab's OAuth provider and API as msw plays them; the code names who signs in. */
function gitlabOAuth(seen: { challenge?: string; verifierOk?: boolean; tokenBody?: URLSearchParams }) {
  return [
    http.post(`${GITLAB}/oauth/token`, async ({ request }) => {
      const body = new URLSearchParams(await request.text());
      seen.tokenBody = body;
      seen.verifierOk = createHash('sha256').update(body.get('code_verifier') ?? '').digest('base64url') === seen.challenge;
      if (body.get('client_secret') !== 'app-secret' || !seen.verifierOk || body.get('grant_type') !== 'authorization_code') {
        return HttpResponse.json({ error: 'invalid_grant', error_description: 'The provided authorization grant is invalid' }, { status: 400 });
      }
      return HttpResponse.json({ access_token: `at-${body.get('code')}`, token_type: 'Bearer', expires_in: 7200, scope: 'read_user' });
    }),
    http.get(api('/user'), ({ request }) => {
      const who = PEOPLE[request.headers.get('authorization')?.replace('Bearer ', '') ?? ''];
      return who === undefined ? HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 }) : HttpResponse.json(who);
    }),
    http.get(api('/groups/:group/members/all/:id'), ({ params, request }) => {
      if (request.headers.get('private-token') !== 'bot-token-0123456789') return HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 });
      if (params.group !== 'acme/compliance') return HttpResponse.json({ message: '404 Group Not Found' }, { status: 404 });
      return params.id === '7' ? HttpResponse.json({ id: 7, username: 'ccompliance', access_level: 20, state: 'active' }) : HttpResponse.json({ message: '404 Not found' }, { status: 404 });
    }),
  ];
}

describe('sign-in with GitLab (authorization code with PKCE), GitLab played by msw', () => {
  const t = useTestApp({
    FLOWTRAIL_GITLAB_URL: GITLAB, FLOWTRAIL_GITLAB_TOKEN: 'bot-token-0123456789',
    FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID: 'app-id', FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET: 'app-secret',
    FLOWTRAIL_AUDITOR_GROUP: 'acme/compliance', FLOWTRAIL_PUBLIC_URL: 'http://localhost',
  });

  /** Follows the flow as a browser would, GitLab answering with `code`. */
  async function signInAs(code: string, returnTo = '/-/duo/sessions') {
    const seen: { challenge?: string; verifierOk?: boolean; tokenBody?: URLSearchParams } = {};
    server.use(...gitlabOAuth(seen));
    const web = new WebClient(t.app);
    const start = await web.get(`/-/auth/gitlab?return_to=${encodeURIComponent(returnTo)}`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    seen.challenge = authorize.searchParams.get('code_challenge') ?? undefined;
    const callback = await web.get(`/-/auth/gitlab/callback?code=${code}&state=${authorize.searchParams.get('state')}`);
    return { web, authorize, callback, seen };
  }

  it('sends the browser to GitLab with PKCE and the read_user scope only', async () => {
    const { authorize, callback, seen } = await signInAs('dana', '/admin/duo_agent_platform/audit');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${GITLAB}/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: 'app-id', redirect_uri: 'http://localhost/-/auth/gitlab/callback', response_type: 'code', scope: 'read_user', code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(seen.verifierOk).toBe(true);
    expect(seen.tokenBody?.get('redirect_uri')).toBe('http://localhost/-/auth/gitlab/callback');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/admin/duo_agent_platform/audit');
  });

  it('makes GitLab administrators admins, auditor-group members auditors, everyone else users bound to their username', async () => {
    await t.ingest([startedEvent('s-dana', at(0)), startedEvent('s-other', at(1), { user: { id: 5, username: 'someone' } })]);
    const admin = await signInAs('admin');
    const adminPage = await (await admin.web.get('/admin/duo_agent_platform/audit')).text();
    expect(adminPage).toContain('Ada Admin <span class="badge badge-muted">admin</span>');
    const auditor = await signInAs('auditor');
    expect((await auditor.web.get('/admin/duo_agent_platform/audit')).status).toBe(200);
    expect(await (await auditor.web.get('/-/duo/sessions/s-other')).text()).toContain('Session s-other');
    const dana = await signInAs('dana');
    expect((await dana.web.get('/admin/duo_agent_platform/audit')).status).toBe(403);
    const list = await (await dana.web.get('/-/duo/sessions')).text();
    expect(list).toContain('s-dana');
    expect(list).not.toContain('s-other');
    expect((await dana.web.get('/-/duo/sessions/s-other')).status).toBe(404);
    await t.deps.integrator.integrate();
    const signIns = (await (await t.get('/api/v1/audit-events?type=user_signed_in', await t.token('auditor'))).json()) as { events: { username: string; data: { role: string; method: string; gitlab_user_id: string } }[] };
    expect(signIns.events.map((e) => [e.username, e.data.role, e.data.method, e.data.gitlab_user_id]).reverse()).toEqual([
      ['root', 'admin', 'gitlab', '1'], ['ccompliance', 'auditor', 'gitlab', '7'], ['dwhitfield', 'user', 'gitlab', '1187'],
    ]);
  });

  it('refuses a callback that GitLab or this browser did not start, and explains what failed', async () => {
    server.use(...gitlabOAuth({}));
    const stranger = new WebClient(t.app);
    const noCookie = await stranger.get('/-/auth/gitlab/callback?code=dana&state=made-up');
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain('expired or was not started here');
    const web = new WebClient(t.app);
    await web.get('/-/auth/gitlab');
    const wrongState = await web.get('/-/auth/gitlab/callback?code=dana&state=not-the-state');
    expect(wrongState.status).toBe(400);
    await web.get('/-/auth/gitlab');
    const denied = await web.get('/-/auth/gitlab/callback?error=access_denied&state=x');
    expect(denied.status).toBe(401);
    expect(await denied.text()).toContain('GitLab did not sign you in (access_denied)');
    const blocked = await signInAs('blocked');
    expect(blocked.callback.status).toBe(502);
    expect(await blocked.callback.text()).toContain('the GitLab account gone is blocked');
    expect((await blocked.web.get('/-/duo/sessions')).status).toBe(302);
  });

  it('shows the GitLab button on the sign-in page and still accepts API tokens', async () => {
    const web = new WebClient(t.app);
    const page = await (await web.get('/-/sign_in')).text();
    expect(page).toContain('href="/-/auth/gitlab?return_to=%2F-%2Fduo%2Fsessions"');
    expect((await web.signIn(await t.token('auditor'))).status).toBe(303);
    expect((await web.get('/admin/duo_agent_platform/audit')).status).toBe(200);
  });
});
