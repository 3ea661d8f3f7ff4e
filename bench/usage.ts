// The usage report at scale (bench/scale-data.ts: 1,000,000 sessions over a
// year): usageByGroup over the last 30 days, by each grouping, against the
// plain count of the same window's sessions (the baseline, same run).
import { connect, usageByGroup, USAGE_GROUPS } from '../src/store/index.js';
import { BENCH_PG_URL, medianMs } from './bench-env.js';
import type { BenchReport } from './report.js';
import { SCALE_DB } from './scale-data.js';

const ROUNDS = Number(process.env.FLOWTRAIL_USAGE_ROUNDS ?? 20);

export async function run(): Promise<BenchReport[]> {
  const u = new URL(BENCH_PG_URL);
  u.pathname = `/${SCALE_DB}`;
  const sql = connect(u.toString(), 1);
  const to = new Date();
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const median = (fn: () => Promise<unknown>) => medianMs(ROUNDS, fn);
  const base = await median(() => sql`select count(*) from sessions where sort_at >= ${from} and sort_at < ${to}`);
  const [n] = await sql<{ n: number }[]>`select count(*)::int as n from sessions where sort_at >= ${from} and sort_at < ${to}`;
  const reports: BenchReport[] = [];
  for (const groupBy of USAGE_GROUPS) {
    const ms = await median(() => usageByGroup(sql, { from, to, groupBy }));
    reports.push({
      name: `usage report, 30 days by ${groupBy} (${n!.n.toLocaleString('en-US')} of the scale data's sessions)`, metric: 'ms median', value: ms,
      baseline: { name: 'count(*) of the same sessions', value: base }, ratio: base / ms, target: '<= 1 s', pass: ms <= 1000,
    });
  }
  await sql.end();
  return reports;
}
