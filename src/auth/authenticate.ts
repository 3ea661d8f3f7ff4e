import { timingSafeEqual } from 'node:crypto';
import { findTokenByHash, touchToken, type Role, type Sql } from '../store/index.js';
import { hashToken } from './api-tokens.js';

export interface Principal {
  tokenId: string;
  role: Role;
  /** Set for `user` tokens: the GitLab username whose sessions it may read. */
  username: string | null;
  /** Set for ingest tokens limited to projects (full paths or numeric ids); absent or null: any project. */
  projects?: readonly string[] | null;
}

export interface Authenticator {
  authenticate(token: string): Promise<Principal | null>;
  /** Drops cached answers (after a revoke in this process). */
  forget(): void;
}

const CACHE_MS = 2000;

/**
 * Resolves a presented token to a principal by the SHA-256 of the token (the
 * token itself is never stored) and compares the hashes in constant time.
 * Answers are cached for two seconds; a revoke through this process clears
 * the cache at once, through another process it takes effect within that time.
 */
export function createAuthenticator(sql: Sql, now: () => number = Date.now): Authenticator {
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  return {
    async authenticate(token) {
      if (token.length > 200) return null;
      const hash = hashToken(token);
      const key = hash.toString('base64');
      const hit = cache.get(key);
      if (hit !== undefined && hit.until > now()) return hit.principal;
      const row = await findTokenByHash(sql, hash);
      const valid = row !== null && row.revokedAt === null && (row.expiresAt === null || row.expiresAt.getTime() > now())
        && row.tokenHash.length === hash.length && timingSafeEqual(row.tokenHash, hash);
      const principal = valid ? { tokenId: row.id, role: row.role, username: row.username, projects: row.projects } : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(key, { principal, until: Math.min(now() + CACHE_MS, row?.expiresAt?.getTime() ?? Infinity) });
      if (principal !== null) await touchToken(sql, principal.tokenId);
      return principal;
    },
    forget: () => cache.clear(),
  };
}

/** What each role may do. `user` reads only the sessions it initiated (enforced by the read routes). */
export type Permission = 'ingest' | 'read' | 'read_all' | 'export' | 'manage_tokens' | 'run_retention' | 'erase' | 'verify' | 'report' | 'manage_streaming' | 'manage_holds' | 'handle_alerts';

const permissions: Record<Role, readonly Permission[]> = {
  ingest: ['ingest'],
  user: ['read'],
  auditor: ['read', 'read_all', 'export', 'verify', 'report', 'handle_alerts'],
  admin: ['ingest', 'read', 'read_all', 'export', 'manage_tokens', 'run_retention', 'erase', 'verify', 'report', 'manage_streaming', 'manage_holds', 'handle_alerts'],
};

export function can(role: Role, p: Permission): boolean {
  return permissions[role].includes(p);
}
