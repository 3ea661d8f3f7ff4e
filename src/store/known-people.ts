import type { Sql } from './database.js';

/** Most names read per refresh; the newest sessions' users come first. */
const LIMIT = 20_000;

/**
 * The display names and usernames flowtrail knows from GitLab: agent service
 * accounts (username, name), people who signed in to the pages (username,
 * display name), token owners and the users who started sessions. Read in
 * the background for the sanitizer's known-people list, never per event.
 */
export async function readKnownPeople(sql: Sql): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select name from (
      select username as name from agent_accounts where username is not null
      union select name from agent_accounts where name is not null
      union select username from web_sessions where username is not null
      union select display_name from web_sessions where display_name is not null
      union select username from api_tokens where username is not null
      union (select username from sessions where username is not null group by username order by max(sort_at) desc nulls last limit ${LIMIT})
    ) people limit ${LIMIT}`;
  return rows.map((r) => r.name);
}
