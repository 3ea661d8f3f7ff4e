// The anomaly detectors over a large history: 100,000 sessions recorded over
// the last 30 days (2,000 people, 300 projects, 6 flow types; 70 % completed,
// 12 % failed, 8 % stopped, one in ten of the newest day's never ended; token usage on every ending), plus
// one person's burst, one flow type's failures, one night-time start and one
// token spike so that every detector has something to find. Each detector's
// read (what one scheduled run costs, before appending) is timed against the
// plain count of the baseline's starts by person (same run): the least any
// detector that compares with a 28-day baseline has to read.
// Usage: npm run bench -- anomalies (FLOWTRAIL_ANOMALY_BENCH_SESSIONS, default 100000).
import { DETECTORS } from '../src/anomalies/index.js';
import { loadConfig } from '../src/config.js';
import type { AnomalyKind } from '../src/events.js';
import { connect, migrate, type Pool } from '../src/store/index.js';
import { freshDatabaseUrl, medianMs } from './bench-env.js';
import type { BenchReport } from './report.js';

const SESSIONS = Number(process.env.FLOWTRAIL_ANOMALY_BENCH_SESSIONS ?? 100_000);
const ROUNDS = Number(process.env.FLOWTRAIL_ANOMALY_BENCH_ROUNDS ?? 10);
const FLOW_TYPES = ['software_development', 'code_review', 'fix_pipeline', 'convert_to_gitlab_ci', 'issue_to_merge_request', 'developer'];

/** i → session facts as SQL over `i` (1 is the newest); `$N` is the number of sessions. */
const S = {
  id: `'b-' || i`,
  user: `'user' || lpad(((i * 7919) % 2000)::text, 4, '0')`,
  project: `'group-' || ((i * 104729) % 300) / 20 || '/project-' || (i * 104729) % 300`,
  flowType: `(array['${FLOW_TYPES.join("','")}'])[(i % ${FLOW_TYPES.length}) + 1]`,
  // Spread over the 30 days before today, in working hours (08:00-17:59 UTC).
  at: `date_trunc('day', now()) - make_interval(days => (1 + i * 30 / $N)::int) + make_interval(hours => (8 + (i / 7) % 10)::int, mins => ((i * 17) % 60)::int)`,
  // Sessions of the newest day may still run; one in ten of them never ends.
  status: `(case when (i % 100) < 70 then 'completed' when (i % 100) < 82 then 'failed' when (i % 100) < 90 then 'stopped' when i * 30 > $N then 'completed' when (i % 100) < 95 then 'running' when (i % 100) < 98 then 'paused' else 'created' end)`,
  tokens: `(5000 + (i * 7) % 40000)`,
};

async function build(sql: Pool): Promise<void> {
  await migrate(sql);
  await sql`set synchronous_commit = off`;
  await sql.unsafe(`
    create temporary table gen as
    select i, ${S.id} as sid, ${S.user} as un, ${S.project} as pp, ${S.flowType} as ft, ${S.status.replaceAll('$N', String(SESSIONS))} as st, ${S.tokens} as tk,
      ${S.at.replaceAll('$N', String(SESSIONS))} as at
    from generate_series(1::bigint, ${SESSIONS}::bigint) i`);
  // What the scenarios add: a burst of 200 sessions by one person in the last hours; 30 failed fix_pipeline
  // sessions in the last hour; one start at 03:00 UTC; one session of 2 million tokens.
  await sql.unsafe(`
    update gen set un = 'user0001', at = now() - make_interval(mins => (i % 300)::int) where i between 1 and 200;
    update gen set ft = 'fix_pipeline', st = 'failed', at = now() - make_interval(mins => (10 + i % 40)::int) where i between 201 and 230;
    update gen set un = 'user0002', at = date_trunc('day', now()) + interval '3 hours' where i = 231 and date_trunc('day', now()) + interval '3 hours' < now();
    update gen set tk = 2000000, at = now() - interval '2 hours' where i = 232`);
  await sql.unsafe(`
    insert into sessions (session_id, status, flow_type, project_id, project_path, user_id, username, started_at, ended_at,
      first_occurred_at, last_occurred_at, sort_at, events_count, details, source)
    select sid, st, ft, pp, pp, un, un, at, case when st in ('completed', 'failed', 'stopped') then at + interval '4 minutes' end,
      at, at + interval '4 minutes', at, 2,
      case when st in ('completed', 'failed') then jsonb_build_object('usage', jsonb_build_object('input_tokens', tk * 4 / 5, 'output_tokens', tk / 5)) else '{}' end,
      'flow_api'
    from gen`);
  await sql.unsafe(`
    insert into audit_events (seq, event_id, type, session_id, occurred_at, recorded_at, source, project_path, username, leaf, leaf_hash)
    select row_number() over (order by t, sid, k) - 1, gen_random_uuid(), ty, sid, t, t, 'flow_api', pp, un, l, sha256(convert_to(l, 'UTF8'))
    from (
      select sid, pp, un, 0 as k, 'duo_flow_started' as ty, at as t, '{"data":{}}' as l from gen
      union all
      select sid, pp, un, 1, 'duo_flow_' || st, at + interval '4 minutes', '{"data":{}}' from gen where st in ('completed', 'failed', 'stopped')
      union all
      select sid, pp, un, 2, 'duo_flow_decision_logged', at + interval '2 minutes', '{"data":{}}' from gen
    ) e where t < now()`);
  await sql`analyze`;
}

export async function run(): Promise<BenchReport[]> {
  const url = (await freshDatabaseUrl('postgres', 'flowtrail_anomalies'))!;
  const sql = connect(url, 1);
  try {
    await build(sql);
    const settings = loadConfig({}).anomalies;
    const median = (fn: () => Promise<unknown>) => medianMs(ROUNDS, fn);
    const now = new Date();
    const from = new Date(now.getTime() - 30 * 86_400_000);
    const base = await median(() => sql`
      select s.username, count(*) from audit_events e join sessions s using (session_id)
      where e.type = 'duo_flow_started' and e.recorded_at >= ${from} and e.recorded_at < ${now} group by 1`);
    const per: { kind: AnomalyKind; ms: number; found: number }[] = [];
    for (const [kind, detect] of Object.entries(DETECTORS) as [AnomalyKind, (typeof DETECTORS)[AnomalyKind]][]) {
      const found = (await detect({ sql, settings, now })).length;
      per.push({ kind, ms: await median(() => detect({ sql, settings, now })), found });
    }
    const total = per.reduce((a, p) => a + p.ms, 0);
    const table = ['| detector | ms median | findings |', '| --- | --- | --- |', ...per.map((p) => `| ${p.kind} | ${p.ms.toFixed(1)} | ${p.found} |`)].join('\n');
    return [{
      name: `anomaly detectors, one run over ${SESSIONS.toLocaleString('en-US')} sessions of 30 days (PostgreSQL)`, metric: 'ms median',
      value: total, baseline: { name: 'count of the 30 days\' starts by person', value: base }, ratio: base / total,
      target: '<= 5 s (under 2 % of the 5-minute interval)', pass: total <= 5000, table,
    }];
  } finally {
    await sql.end();
  }
}
