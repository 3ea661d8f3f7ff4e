// Builds the read-surface data set in PostgreSQL with SQL alone (generate_series):
// SESSIONS sessions over the last year (or `days` days before `end`), 10 audit events each (start, plan,
// decisions, resources, an end; one session in 200 with an alert), leaves as
// JSON with their real leaf hashes. 5,000 users, 2,000 projects, 6 flow types.
// Usage: node dist/bench/scale-data.js [sessions]  (database: FLOWTRAIL_BENCH_DATABASE_URL's
// server, database flowtrail_scale; dropped and rebuilt).
import { connect, migrate } from '../src/store/index.js';
import { freshDatabaseUrl } from './bench-env.js';

// FLOWTRAIL_SCALE_DB names another database, so that two people building at once do not drop each other's.
export const SCALE_DB = process.env.FLOWTRAIL_SCALE_DB ?? 'flowtrail_scale';
export const USERS = 5000;
export const PROJECTS = 2000;
export const FLOW_TYPES = ['software_development', 'code_review', 'fix_pipeline', 'convert_to_gitlab_ci', 'issue_to_merge_request', 'developer'];
const EVENTS_PER_SESSION = 10;

/** i (1..n) → the session's facts, as SQL expressions over `i` (the newest session is 1). */
const S = {
  id: `'gl-' || i`,
  userN: `((i * 7919) % ${USERS})`,
  projectN: `((i * 104729) % ${PROJECTS})`,
  started: `($END - make_interval(secs => i * ($SPAN.0 / $N)) - make_interval(secs => (i * 37) % 600))`,
  status: `(case when (i % 100) < 70 then 'completed' when (i % 100) < 82 then 'failed' when (i % 100) < 90 then 'stopped' when (i % 100) < 95 then 'running' when (i % 100) < 98 then 'paused' else 'created' end)`,
};
const user = `'user' || lpad(${S.userN}::text, 4, '0')`;
const projectPath = `'group-' || (${S.projectN} / 20) || '/project-' || ${S.projectN}`;
const flowType = `(array['${FLOW_TYPES.join("','")}'])[(i % ${FLOW_TYPES.length}) + 1]`;

export interface ScaleDataOptions {
  /** The database to (re)create: SCALE_DB unless given. */
  database?: string;
  /** The sessions start over this many days before `end` (365). */
  days?: number;
  /** The newest session starts just before this instant (now). */
  end?: Date;
}

export async function buildScaleData(sessions: number, log: (s: string) => void = console.error, o: ScaleDataOptions = {}): Promise<string> {
  const url = (await freshDatabaseUrl('postgres', o.database ?? SCALE_DB))!;
  const started = S.started.replace('$N', String(sessions)).replace('$SPAN', String((o.days ?? 365) * 86_400))
    .replace('$END', o.end === undefined ? 'now()' : `'${o.end.toISOString()}'::timestamptz`);
  const sql = connect(url, 1);
  try {
    await migrate(sql);
    await sql`set synchronous_commit = off`;
    await sql`set maintenance_work_mem = '512MB'`;
    const t0 = Date.now();
    const chunk = 100_000;
    for (let lo = 1; lo <= sessions; lo += chunk) {
      const hi = Math.min(sessions, lo + chunk - 1);
      await sql.unsafe(`
        insert into sessions (session_id, status, flow_type, project_id, project_path, user_id, username, agent_id, agent_username,
          started_at, ended_at, first_occurred_at, last_occurred_at, sort_at, duration_ms, resources_created, events_count,
          authorization_reported, details, source)
        select ${S.id}, ${S.status}, ${flowType}, (100000 + ${S.projectN})::text, ${projectPath}, (1000 + ${S.userN})::text, ${user},
          (77000 + (i % 50))::text, 'ai-developer-' || (i % 50),
          st, case when ${S.status} in ('completed', 'failed', 'stopped') then st + interval '270 seconds' end,
          st, st + interval '270 seconds', st, case when ${S.status} in ('completed', 'failed', 'stopped') then 270000 end,
          2, ${EVENTS_PER_SESSION},
          jsonb_build_object('method', 'composite_identity', 'scopes', jsonb_build_array('ai_workflows'), 'verified_at', st),
          jsonb_build_object('usage', jsonb_build_object('input_tokens', 1000 + i % 50000, 'output_tokens', 100 + i % 9000)), 'flow_api'
        from generate_series($1::bigint, $2::bigint) i, lateral (select ${started} as st) t`, [lo, hi]);
      log(`sessions ${hi.toLocaleString('en-US')} / ${sessions.toLocaleString('en-US')} (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    const total = sessions * EVENTS_PER_SESSION;
    const eventChunk = 250_000;
    for (let lo = 0; lo < total; lo += eventChunk) {
      const hi = Math.min(total, lo + eventChunk) - 1;
      await sql.unsafe(`
        insert into audit_events (seq, event_id, type, session_id, occurred_at, recorded_at, source, project_path, username, leaf, leaf_hash)
        select seq, eid, type, sid, at, at + interval '1 second', 'flow_api', pp, un, leaf, sha256('\\x00'::bytea || convert_to(leaf, 'UTF8'))
        from (
          select seq, eid, type, sid, at, pp, un,
            json_build_object('v', 1, 'seq', seq, 'event_id', eid, 'type', type, 'session_id', sid, 'occurred_at', at, 'recorded_at', at + interval '1 second',
              'source', 'flow_api', 'source_type', type, 'source_id', null, 'project_path', pp, 'username', un, 'data', data)::text as leaf
          from (
            select seq, md5('scale-' || seq)::uuid as eid, sid, at, pp, un, k, type,
              case type
                when 'duo_flow_started' then json_build_object('user', json_build_object('id', 1000 + un_n, 'username', un), 'agent', json_build_object('id', 77000 + (i % 50), 'username', 'ai-developer-' || (i % 50)),
                  'project', json_build_object('id', 100000 + pn, 'path', pp), 'flow_type', ft,
                  'input_prompt', 'Implement half-even rounding for ledger totals in ' || pp || ' as described in issue #' || (i % 900) || '; keep the public API unchanged and add tests for the .5 cases.',
                  'authorization', json_build_object('verified_at', at, 'method', 'composite_identity', 'scopes', json_build_array('ai_workflows')))
                when 'duo_flow_plan_generated' then json_build_object('plan_steps', json_build_array('Read the module and its tests', 'Change the rounding mode', 'Add tests for the .5 cases', 'Open a merge request'), 'plan_summary', 'Change the rounding mode and cover it with tests')
                when 'duo_flow_resource_created' then json_build_object('resource_type', 'MergeRequest', 'resource_id', i % 5000, 'action', 'created', 'web_url', 'https://gitlab.example.com/' || pp || '/-/merge_requests/' || (i % 5000))
                when 'duo_flow_resource_linked' then json_build_object('resource_type', 'Commit', 'resource_id', md5('c' || i), 'link_method', 'trailer', 'web_url', 'https://gitlab.example.com/' || pp || '/-/commit/' || md5('c' || i))
                when 'duo_flow_completed' then json_build_object('outcome_summary', 'Opened !' || (i % 5000) || '; tests pass.', 'usage', json_build_object('input_tokens', 1000 + i % 50000, 'output_tokens', 100 + i % 9000))
                when 'duo_flow_failed' then json_build_object('error_category', 'tool_error', 'error_code', 'E_TIMEOUT', 'error_message', 'The pipeline did not finish in time', 'failed_at_step', 3)
                when 'duo_flow_stopped' then json_build_object('reason', 'stopped by the initiator')
                when 'duo_flow_lifecycle_violation' then json_build_object('violating_event_id', md5('v' || i)::uuid, 'violating_type', 'duo_flow_resumed', 'rule', 'resumed_without_pause')
                else json_build_object('step', k, 'decision', 'Use decimal.ROUND_HALF_EVEN rather than a custom helper (step ' || k || ')', 'rationale', 'The standard library mode is exact and already used elsewhere.', 'alternatives', json_build_array('Custom helper', 'Round in the database'))
              end as data
            from (
              select seq, i, k, ${S.id} as sid, ${projectPath} as pp, ${user} as un, ${S.userN} as un_n, ${S.projectN} as pn, ${flowType} as ft,
                st + make_interval(secs => k * 30) as at,
                case
                  when k = 0 then 'duo_flow_started'
                  when k = 1 then 'duo_flow_plan_generated'
                  when k = 6 then 'duo_flow_resource_created'
                  when k = 7 then 'duo_flow_resource_linked'
                  when k = 9 and ${S.status} = 'completed' then 'duo_flow_completed'
                  when k = 9 and ${S.status} = 'failed' then 'duo_flow_failed'
                  when k = 9 and ${S.status} = 'stopped' then 'duo_flow_stopped'
                  when k = 8 and i % 200 = 0 then 'duo_flow_lifecycle_violation'
                  else 'duo_flow_decision_logged'
                end as type
              from generate_series($1::bigint, $2::bigint) seq,
                lateral (select seq / ${EVENTS_PER_SESSION} + 1 as i, seq % ${EVENTS_PER_SESSION} as k) ik,
                lateral (select ${started} as st) t
            ) base
          ) typed
        ) leaves`, [lo, hi]);
      if ((hi + 1) % 1_000_000 === 0 || hi + 1 === total) log(`events ${(hi + 1).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${Math.round((Date.now() - t0) / 1000)} s)`);
    }
    await sql`update log_state set size = ${total} where id = 1`;
    log('vacuum analyze ...');
    await sql.unsafe('vacuum analyze sessions');
    await sql.unsafe('vacuum analyze audit_events');
    log(`built in ${Math.round((Date.now() - t0) / 1000)} s`);
    return url;
  } finally {
    await sql.end();
  }
}

if (process.argv[1]?.endsWith('scale-data.js')) {
  const n = Number(process.argv[2] ?? 1_000_000);
  await buildScaleData(n);
}
