import type { Sql } from './database.js';

/**
 * What the service's role may do, table by table, when another role owns the
 * tables (FLOWTRAIL_MIGRATION_DATABASE_URL). The log (audit_events,
 * checkpoints) is insert and read only; nothing but the owner's purge
 * functions may update or delete it. `update(col)` grants one column: enough
 * for SELECT ... FOR UPDATE (claiming intake rows) without letting the service
 * change what it claims. Every table must be listed: a test fails otherwise.
 */
export const SERVICE_PRIVILEGES: Readonly<Record<string, readonly string[]>> = {
  schema_migrations: ['select'],
  retention_policy: ['select'],
  audit_events: ['select', 'insert'],
  checkpoints: ['select', 'insert'],
  log_state: ['select', 'update(size, frontier, origin, checkpoint_size)'],
  intake: ['select', 'insert', 'delete', 'update(received_at)'],
  sessions: ['select', 'insert', 'update'],
  session_day_counts: ['select', 'insert', 'update'],
  lifecycle_flags: ['select', 'insert'],
  agent_accounts: ['select', 'insert', 'update'],
  api_tokens: ['select', 'insert', 'update'],
  web_sessions: ['select', 'insert', 'delete'],
  deliveries: ['select', 'insert'],
  jobs: ['select', 'insert', 'update', 'delete'],
  leases: ['select', 'insert', 'update', 'delete'],
  scheduled_runs: ['select', 'insert', 'update'],
  write_backs: ['select', 'insert', 'update'],
  merge_request_claims: ['select', 'insert', 'update', 'delete'],
  // update(role): a re-sent waiting span that turns out to be a session span becomes one (insert ... on conflict do update).
  otlp_pending_spans: ['select', 'insert', 'delete', 'update(role)'],
  streaming_destinations: ['select', 'insert', 'update', 'delete'],
  // Changed only through the owner's functions, which audit each change.
  alert_actions: ['select', 'insert'],
  legal_holds: ['select'],
  retention_rules: ['select'],
  evidence_packs: ['select', 'insert'],
  alert_notifiers: ['select', 'insert', 'update'],
  alert_notifications: ['select', 'insert', 'update'],
  // Append-only: a key is recorded once, with the rotation event that introduces it.
  signing_keys: ['select', 'insert'],
};

/** The owner's functions the service may call (retention, erasure, legal holds, retention rules). */
const SERVICE_FUNCTIONS = [
  'flowtrail_purge_expired(int, text)', 'flowtrail_erase_texts(text, text, text, text)',
  'flowtrail_place_hold(text, text, text, text)', 'flowtrail_release_hold(bigint, text, text)',
  'flowtrail_set_retention_rule(text, text, int, text)',
];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Run by `flowtrail migrate` as the owner: gives `role` exactly
 * SERVICE_PRIVILEGES (everything else revoked), the sequences it inserts
 * through, and the purge functions. Throws when a table has no entry.
 */
export async function grantServiceRole(sql: Sql, role: string): Promise<void> {
  const tables = await sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' order by tablename`;
  const unlisted = tables.map((t) => t.tablename).filter((t) => SERVICE_PRIVILEGES[t] === undefined);
  if (unlisted.length > 0) throw new Error(`no service privileges are defined for table ${unlisted.join(', ')} (src/store/grant-service-role.ts)`);
  const r = quote(role);
  await sql.unsafe(`revoke all on all tables in schema public from ${r}`);
  await sql.unsafe(`revoke all on all sequences in schema public from ${r}`);
  await sql.unsafe(`revoke create on schema public from ${r}`);
  for (const { tablename } of tables) {
    await sql.unsafe(`grant ${SERVICE_PRIVILEGES[tablename]!.join(', ')} on ${quote(tablename)} to ${r}`);
  }
  await sql.unsafe(`grant usage on all sequences in schema public to ${r}`);
  for (const f of SERVICE_FUNCTIONS) await sql.unsafe(`grant execute on function ${f} to ${r}`);
}

export interface RoleGuarantees {
  role: string;
  /** Ways this connection could change the log other than by appending (empty: none). */
  couldRewriteLog: string[];
}

/** What the connected role could do to the log beyond appending: told at start-up when it is not empty. */
export async function serviceRoleGuarantees(sql: Sql): Promise<RoleGuarantees> {
  const [row] = await sql<{ role: string; superuser: boolean; owner: boolean; update: boolean; delete: boolean; truncate: boolean }[]>`
    select current_user as role,
      (select rolsuper from pg_roles where rolname = current_user) as superuser,
      pg_has_role(current_user, c.relowner, 'MEMBER') as owner,
      has_table_privilege(current_user, c.oid, 'UPDATE') as update,
      has_table_privilege(current_user, c.oid, 'DELETE') as delete,
      has_table_privilege(current_user, c.oid, 'TRUNCATE') as truncate
    from pg_class c where c.oid = 'audit_events'::regclass`;
  const couldRewriteLog: string[] = [];
  if (row!.superuser) couldRewriteLog.push('it is a superuser');
  if (row!.owner) couldRewriteLog.push('it owns the tables (it can disable the append-only triggers and use the purge switch)');
  if (row!.update) couldRewriteLog.push('it may UPDATE the log');
  if (row!.delete) couldRewriteLog.push('it may DELETE from the log');
  if (row!.truncate) couldRewriteLog.push('it may TRUNCATE the log');
  return { role: row!.role, couldRewriteLog };
}
