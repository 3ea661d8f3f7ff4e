import type { Sql } from './database.js';

/**
 * The flow types sessions have, for the pages' choice lists: everyone's from
 * the per-day counts (a small table), or one person's from her sessions.
 */
export async function listFlowTypes(sql: Sql, username?: string): Promise<string[]> {
  const rows = username === undefined
    ? await sql<{ flowType: string }[]>`select distinct flow_type from session_day_counts where n > 0 and flow_type <> '' order by flow_type limit 200`
    : await sql<{ flowType: string }[]>`select distinct flow_type from sessions where username = ${username} and flow_type is not null order by flow_type limit 200`;
  return rows.map((r) => r.flowType);
}
