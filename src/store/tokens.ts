import type { Sql } from './database.js';

export type Role = 'ingest' | 'user' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['ingest', 'user', 'auditor', 'admin'];

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  username: string | null;
  /** For ingest tokens limited to projects: full paths or numeric GitLab project ids; null when not limited. */
  projects: string[] | null;
  createdAt: Date;
  createdBy: string | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  /** When the token stops working by itself (null: when revoked). */
  expiresAt: Date | null;
}

/** Tokens flowtrail makes for its own use. */
export type TokenPurpose = 'cli_bridge';

export async function insertToken(sql: Sql, t: {
  id: string; name: string; role: Role; username: string | null; projects?: readonly string[] | null; tokenHash: Buffer; createdBy: string | null;
  expiresAt?: Date | null; purpose?: TokenPurpose | null;
}): Promise<boolean> {
  const projects = t.projects === undefined || t.projects === null ? null : [...t.projects];
  const rows = await sql`insert into api_tokens (id, name, role, username, projects, token_hash, created_by, expires_at, purpose)
    values (${t.id}, ${t.name}, ${t.role}, ${t.username}, ${projects}::text[], ${t.tokenHash}, ${t.createdBy}, ${t.expiresAt ?? null}, ${t.purpose ?? null})
    on conflict (token_hash) do nothing returning id`;
  return rows.length > 0;
}

export async function findTokenByHash(sql: Sql, hash: Buffer): Promise<(TokenRow & { tokenHash: Buffer }) | null> {
  const [row] = await sql<(TokenRow & { tokenHash: Buffer })[]>`
    select id, name, role, username, projects, token_hash, created_at, created_by, revoked_at, last_used_at, expires_at
    from api_tokens where token_hash = ${hash}`;
  return row ?? null;
}

export async function listTokens(sql: Sql): Promise<TokenRow[]> {
  return sql<TokenRow[]>`select id, name, role, username, projects, created_at, created_by, revoked_at, last_used_at, expires_at
    from api_tokens order by created_at, id`;
}

/** Returns the token as it was before revoking, or null if there is no such token. */
export async function revokeToken(sql: Sql, id: string): Promise<TokenRow | null> {
  const [row] = await sql<TokenRow[]>`update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = ${id}
    returning id, name, role, username, projects, created_at, created_by, revoked_at, last_used_at, expires_at`;
  return row ?? null;
}

export async function touchToken(sql: Sql, id: string): Promise<void> {
  await sql`update api_tokens set last_used_at = now() where id = ${id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`;
}

/** Ids of the unrevoked tokens of a purpose (to revoke what a crashed process left). */
export async function liveTokensOfPurpose(sql: Sql, purpose: TokenPurpose): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from api_tokens where purpose = ${purpose} and revoked_at is null order by created_at`;
  return rows.map((r) => r.id);
}
