import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../store/index.js';

export interface GitlabUser {
  id: string;
  username: string;
  name: string | null;
  isAdmin: boolean;
}

export interface GitlabOAuth {
  /** A fresh state and PKCE verifier, and where to send the browser. */
  start(): { state: string; verifier: string; url: string };
  /** Trades the code for an access token and reads who signed in. Throws with a reason fit for the page. */
  finish(code: string, verifier: string): Promise<GitlabUser>;
  /** admin for GitLab administrators, auditor for members of the auditor group, else user. */
  roleOf(user: GitlabUser): Promise<Exclude<Role, 'ingest'>>;
}

const TIMEOUT_MS = 10_000;

/**
 * Sign-in with GitLab: OAuth 2.0 authorization code with PKCE (S256) and the
 * `read_user` scope only. Membership of the auditor group is read with the
 * bot token (FLOWTRAIL_GITLAB_TOKEN), so a person's grant stays minimal.
 */
export function createGitlabOAuth(o: {
  gitlabUrl: string; clientId: string; clientSecret: string; redirectUri: string;
  botToken?: string; auditorGroup?: string; fetch?: typeof fetch;
}): GitlabOAuth {
  const doFetch = o.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const base = o.gitlabUrl.replace(/\/+$/, '');
  const call = async (url: string, init: RequestInit, what: string): Promise<Response> => {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      throw new Error(`GitLab could not be reached for ${what} (${e instanceof Error ? e.message : String(e)})`);
    }
  };
  return {
    start() {
      const state = randomBytes(24).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const q = new URLSearchParams({
        client_id: o.clientId, redirect_uri: o.redirectUri, response_type: 'code', scope: 'read_user',
        state, code_challenge: challenge, code_challenge_method: 'S256',
      });
      return { state, verifier, url: `${base}/oauth/authorize?${q.toString()}` };
    },
    async finish(code, verifier) {
      const res = await call(`${base}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ client_id: o.clientId, client_secret: o.clientSecret, code, grant_type: 'authorization_code', redirect_uri: o.redirectUri, code_verifier: verifier }).toString(),
      }, 'the token exchange');
      const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown; error_description?: unknown };
      if (!res.ok || typeof body.access_token !== 'string') {
        throw new Error(`GitLab refused the sign-in (${res.status}${typeof body.error === 'string' ? `: ${body.error}` : ''})`);
      }
      const me = await call(`${base}/api/v4/user`, { headers: { authorization: `Bearer ${body.access_token}` } }, 'the user');
      const u = (await me.json().catch(() => ({}))) as { id?: unknown; username?: unknown; name?: unknown; is_admin?: unknown; state?: unknown };
      if (!me.ok || (typeof u.id !== 'number' && typeof u.id !== 'string') || typeof u.username !== 'string') throw new Error(`GitLab did not say who signed in (${me.status})`);
      if (u.state !== undefined && u.state !== 'active') throw new Error(`the GitLab account ${u.username} is ${String(u.state)}`);
      return { id: String(u.id), username: u.username, name: typeof u.name === 'string' ? u.name : null, isAdmin: u.is_admin === true };
    },
    async roleOf(user) {
      if (user.isAdmin) return 'admin';
      if (o.auditorGroup === undefined || o.botToken === undefined) return 'user';
      const res = await call(`${base}/api/v4/groups/${encodeURIComponent(o.auditorGroup)}/members/all/${encodeURIComponent(user.id)}`, { headers: { 'private-token': o.botToken } }, 'the auditor group');
      if (res.status === 404) return 'user';
      if (!res.ok) throw new Error(`GitLab did not answer whether ${user.username} is in ${o.auditorGroup} (${res.status})`);
      const m = (await res.json().catch(() => ({}))) as { state?: unknown };
      return m.state === undefined || m.state === 'active' ? 'auditor' : 'user';
    },
  };
}
