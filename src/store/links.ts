import type { Sql } from './database.js';

/** Sessions a kind of object was linked to (the log's duo_flow_resource_linked events). */
export async function sessionsLinkedTo(sql: Sql, projectPath: string, resourceType: string, resourceId: string): Promise<string[]> {
  const rows = await sql<{ sessionId: string }[]>`
    select distinct session_id from audit_events
    where type = 'duo_flow_resource_linked' and project_path = ${projectPath} and leaf is not null
      and leaf::jsonb->'data'->>'resource_type' = ${resourceType} and leaf::jsonb->'data'->>'resource_id' = ${resourceId}`;
  return rows.map((r) => r.sessionId);
}

/** Sessions whose commits, linked by trailer, were pushed to this branch of the project. */
export async function sessionsWithCommitsOn(sql: Sql, projectPath: string, ref: string): Promise<string[]> {
  const rows = await sql<{ sessionId: string }[]>`
    select distinct session_id from audit_events
    where type = 'duo_flow_resource_linked' and project_path = ${projectPath} and leaf is not null
      and leaf::jsonb->'data'->>'resource_type' = 'Commit' and leaf::jsonb->'data'->>'ref' = ${ref}`;
  return rows.map((r) => r.sessionId);
}
