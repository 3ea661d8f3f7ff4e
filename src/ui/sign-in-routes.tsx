import { randomBytes, randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { AppDeps, AppEnv } from '../app-env.js';
import { can, createGitlabOAuth, type GitlabOAuth, type GitlabUser } from '../auth/index.js';
import { safeEqual } from '../http/index.js';
import { SignInPage } from './sign-in-page.js';
import { safeReturnTo } from './safe-return.js';
import { checkCsrf, originOk } from './csrf.js';
import { htmlMessage } from './html-errors.js';

const SIGN_IN_CSRF = 'flowtrail_sign_in';
const OAUTH_STATE = 'flowtrail_oauth';
const OAUTH_MAX_AGE_S = 600;

/**
 * /-/sign_in (token form and the GitLab button), /-/auth/gitlab and its
 * callback (authorization code with PKCE), /-/sign_out. Every form carries a
 * CSRF token: before sign-in a double-submit cookie, after it the session's.
 */
export function createSignInRoutes(deps: AppDeps, options: { fetch?: typeof fetch } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const key = deps.webSessions.cookieKey;
  const secure = deps.config.http.publicUrl.startsWith('https:');
  const { oauth: oauthConfig, auditorGroup } = deps.config.auth;
  const oauth: GitlabOAuth | null = oauthConfig === undefined || deps.config.gitlab.url === undefined ? null : createGitlabOAuth({
    gitlabUrl: deps.config.gitlab.url, clientId: oauthConfig.clientId, clientSecret: oauthConfig.clientSecret,
    redirectUri: `${deps.config.http.publicUrl}/-/auth/gitlab/callback`, botToken: deps.config.gitlab.token, auditorGroup, fetch: options.fetch,
  });

  const page = async (c: Context<AppEnv>, returnTo: string, error?: string, status: 200 | 400 | 401 | 403 | 502 = 200) => {
    const csrf = randomBytes(24).toString('base64url');
    await setSignedCookie(c, SIGN_IN_CSRF, csrf, key, { path: '/-/', httpOnly: true, secure, sameSite: 'Strict', maxAge: 3600 });
    return c.html(<SignInPage gitlab={oauth !== null} csrf={csrf} returnTo={returnTo} error={error} />, status);
  };

  app.get('/-/sign_in', async (c) => {
    if ((await deps.webSessions.read(c)) !== null) return c.redirect(safeReturnTo(c.req.query('return_to')));
    return page(c, safeReturnTo(c.req.query('return_to')));
  });

  app.post('/-/sign_in', async (c) => {
    const form = await c.req.parseBody();
    const returnTo = safeReturnTo(form.return_to);
    const expected = await getSignedCookie(c, key, SIGN_IN_CSRF);
    if (!originOk(c, deps.config.http.publicUrl) || typeof expected !== 'string' || !safeEqual(typeof form._csrf === 'string' ? form._csrf : undefined, expected)) {
      return page(c, returnTo, 'The form expired or did not come from this site. Please sign in again.', 403);
    }
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const principal = token === '' ? null : await deps.authenticator.authenticate(token);
    if (principal === null) {
      deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'web' });
      return page(c, returnTo, 'That token is not valid (unknown or revoked).', 401);
    }
    if (principal.role === 'ingest' || !can(principal.role, 'read')) return page(c, returnTo, 'An ingest token can send events but not read them: use a user, auditor or admin token.', 403);
    await recordSignIn(deps, { method: 'token', role: principal.role, username: principal.username, token_id: principal.tokenId });
    await deps.webSessions.open(c, { method: 'token', role: principal.role, username: principal.username, displayName: principal.username, tokenId: principal.tokenId });
    deleteCookie(c, SIGN_IN_CSRF, { path: '/-/', secure });
    return c.redirect(returnTo, 303);
  });

  app.get('/-/auth/gitlab', async (c) => {
    if (oauth === null) return page(c, '/-/duo/sessions', 'GitLab sign-in is not configured on this installation.', 400);
    const { state, verifier, url } = oauth.start();
    const value = JSON.stringify({ state, verifier, returnTo: safeReturnTo(c.req.query('return_to')) });
    await setSignedCookie(c, OAUTH_STATE, value, key, { path: '/-/auth/gitlab', httpOnly: true, secure, sameSite: 'Lax', maxAge: OAUTH_MAX_AGE_S });
    return c.redirect(url, 302);
  });

  app.get('/-/auth/gitlab/callback', async (c) => {
    if (oauth === null) return page(c, '/-/duo/sessions', 'GitLab sign-in is not configured on this installation.', 400);
    const raw = await getSignedCookie(c, key, OAUTH_STATE);
    deleteCookie(c, OAUTH_STATE, { path: '/-/auth/gitlab', secure });
    let saved: { state: string; verifier: string; returnTo: string } | null = null;
    try {
      saved = typeof raw === 'string' ? (JSON.parse(raw) as { state: string; verifier: string; returnTo: string }) : null;
    } catch {
      saved = null;
    }
    const { code, state, error } = c.req.query();
    if (error !== undefined) return page(c, saved?.returnTo ?? '/-/duo/sessions', `GitLab did not sign you in (${error.slice(0, 100)}).`, 401);
    if (saved === null || typeof state !== 'string' || !safeEqual(state, saved.state) || typeof code !== 'string' || code === '') {
      return page(c, '/-/duo/sessions', 'The sign-in with GitLab expired or was not started here. Please try again.', 400);
    }
    let user: GitlabUser;
    let role: Awaited<ReturnType<GitlabOAuth['roleOf']>>;
    try {
      user = await oauth.finish(code, saved.verifier);
      role = await oauth.roleOf(user);
    } catch (e) {
      // These messages are written for the person signing in (and carry no token).
      deps.log.warn({ err: { message: e instanceof Error ? e.message : 'error' } }, 'GitLab sign-in failed');
      return page(c, saved.returnTo, e instanceof Error ? e.message : 'GitLab sign-in failed.', 502);
    }
    await recordSignIn(deps, { method: 'gitlab', role, username: user.username, gitlab_user_id: user.id });
    await deps.webSessions.open(c, { method: 'gitlab', role, username: user.username, displayName: user.name ?? user.username, gitlabUserId: user.id });
    return c.redirect(safeReturnTo(saved.returnTo), 302);
  });

  app.post('/-/sign_out', async (c) => {
    const who = await deps.webSessions.read(c);
    if (who !== null && !(await checkCsrf(c, who, deps.config.http.publicUrl))) return htmlMessage(deps, c, 403, 'Not allowed', 'The form expired. Reload the page and try again.');
    await deps.webSessions.close(c);
    return c.redirect('/-/sign_in', 303);
  });
  return app;
}

/** A sign-in is an audit event, committed before the browser session exists. */
async function recordSignIn(deps: AppDeps, who: { method: 'gitlab' | 'token'; role: string; username: string | null; token_id?: string; gitlab_user_id?: string }): Promise<void> {
  await deps.integrator.append([{
    eventId: randomUUID(), type: 'user_signed_in', sessionId: null, occurredAt: new Date().toISOString(),
    source: 'system', sourceType: 'web', username: who.username, data: who,
  }]);
}

