import type { Sql } from './database.js';
import type { Role } from './tokens.js';

export interface WebSessionRow {
  method: 'gitlab' | 'token';
  role: Exclude<Role, 'ingest'>;
  username: string | null;
  displayName: string | null;
  gitlabUserId: string | null;
  tokenId: string | null;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertWebSession(sql: Sql, idHash: Buffer, s: Omit<WebSessionRow, 'createdAt'>): Promise<void> {
  await sql`insert into web_sessions (id_hash, method, role, username, display_name, gitlab_user_id, token_id, csrf_token, expires_at)
    values (${idHash}, ${s.method}, ${s.role}, ${s.username}, ${s.displayName}, ${s.gitlabUserId}, ${s.tokenId}, ${s.csrfToken}, ${s.expiresAt})`;
}

/** A live session: not expired, and if opened with a token, that token not revoked. */
export async function findWebSession(sql: Sql, idHash: Buffer): Promise<WebSessionRow | null> {
  const [row] = await sql<WebSessionRow[]>`
    select w.method, w.role, w.username, w.display_name, w.gitlab_user_id, w.token_id, w.csrf_token, w.created_at, w.expires_at
    from web_sessions w left join api_tokens t on t.id = w.token_id
    where w.id_hash = ${idHash} and w.expires_at > now() and (w.token_id is null or t.revoked_at is null)`;
  return row ?? null;
}

export async function deleteWebSession(sql: Sql, idHash: Buffer): Promise<void> {
  await sql`delete from web_sessions where id_hash = ${idHash}`;
}

export async function deleteExpiredWebSessions(sql: Sql): Promise<number> {
  const rows = await sql`delete from web_sessions where expires_at <= now() returning 1`;
  return rows.length;
}
