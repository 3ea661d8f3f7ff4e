import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { deleteWebSession, findWebSession, insertWebSession, type Role, type Sql, type WebSessionRow } from '../store/index.js';
import type { Principal } from './authenticate.js';

export interface SignedIn {
  principal: Principal;
  method: 'gitlab' | 'token';
  /** Whom the pages greet: the GitLab name, else the username, else the token's role. */
  displayName: string;
  /** Every form carries it; a POST without it is refused. */
  csrfToken: string;
}

export interface WebSessions {
  /** Signs the pages' other short-lived cookies (sign-in CSRF, OAuth state). */
  readonly cookieKey: Buffer;
  open(c: Context, s: { method: 'gitlab' | 'token'; role: Exclude<Role, 'ingest'>; username: string | null; displayName: string | null; gitlabUserId?: string | null; tokenId?: string | null }): Promise<void>;
  read(c: Context): Promise<SignedIn | null>;
  close(c: Context): Promise<void>;
}

/** The cookie signing key, derived from the installation's sanitizer key (shared by all service processes). */
export function deriveCookieKey(sanitizerKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', sanitizerKey, Buffer.alloc(0), 'flowtrail web session cookie', 32));
}

const hash = (id: string) => createHash('sha256').update(id).digest();

/**
 * Browser sessions: a random 256-bit id in a signed, HttpOnly, SameSite=Lax
 * cookie (`__Host-` prefixed and Secure behind https); the database keeps its
 * hash, the role, and a CSRF token. Sessions opened with an API token end
 * when that token is revoked.
 */
export function createWebSessions(deps: { sql: Sql; key: Buffer; publicUrl: string; hours: number }): WebSessions {
  const secure = deps.publicUrl.startsWith('https:');
  const cookie = secure ? '__Host-flowtrail_session' : 'flowtrail_session';
  const options = { path: '/', httpOnly: true, secure, sameSite: 'Lax' as const };
  const idOf = async (c: Context) => {
    const v = await getSignedCookie(c, deps.key, cookie);
    return typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
  };
  return {
    cookieKey: deps.key,
    async open(c, s) {
      const id = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + deps.hours * 3600_000);
      const row: Omit<WebSessionRow, 'createdAt'> = {
        method: s.method, role: s.role, username: s.username, displayName: s.displayName,
        gitlabUserId: s.gitlabUserId ?? null, tokenId: s.tokenId ?? null, csrfToken: randomBytes(32).toString('base64url'), expiresAt,
      };
      await insertWebSession(deps.sql, hash(id), row);
      await setSignedCookie(c, cookie, id, deps.key, { ...options, expires: expiresAt });
    },
    async read(c) {
      const id = await idOf(c);
      if (id === null) return null;
      const row = await findWebSession(deps.sql, hash(id));
      if (row === null) return null;
      return {
        principal: { tokenId: row.tokenId ?? `gitlab-user:${row.gitlabUserId ?? row.username ?? '?'}`, role: row.role, username: row.username },
        method: row.method,
        displayName: row.displayName ?? row.username ?? `${row.role} token`,
        csrfToken: row.csrfToken,
      };
    },
    async close(c) {
      const id = await idOf(c);
      if (id !== null) await deleteWebSession(deps.sql, hash(id));
      deleteCookie(c, cookie, { path: '/', secure });
    },
  };
}
