import type { Sql } from './database.js';

export interface AgentAccountRow {
  userId: string;
  username: string | null;
  name: string | null;
  email: string | null;
}

/** Remembers an agent service account seen in GitLab's events; known fields are never overwritten with nulls. */
export async function rememberAgentAccount(sql: Sql, a: { userId: string; username: string | null; name: string | null; email?: string | null }): Promise<void> {
  await sql`insert into agent_accounts (user_id, username, name, email)
    values (${a.userId}, ${a.username}, ${a.name}, ${a.email ?? null})
    on conflict (user_id) do update set
      username = coalesce(excluded.username, agent_accounts.username),
      name = coalesce(excluded.name, agent_accounts.name),
      email = coalesce(excluded.email, agent_accounts.email)`;
}

export async function isAgentAccount(sql: Sql, userId: string): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from agent_accounts where user_id = ${userId}`;
  return (row?.n ?? 0) > 0;
}

export async function agentUsername(sql: Sql, userId: string | null): Promise<string | null> {
  if (userId === null) return null;
  const [row] = await sql<{ username: string | null }[]>`select username from agent_accounts where user_id = ${userId}`;
  return row?.username ?? null;
}

export async function listAgentAccounts(sql: Sql): Promise<AgentAccountRow[]> {
  return sql<AgentAccountRow[]>`select user_id, username, name, email from agent_accounts order by user_id`;
}
