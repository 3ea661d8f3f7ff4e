// Webhook deliveries acknowledged durably by a running `flowtrail serve`
// (token check, sanitization, delivery and job committed), loaded with
// autocannon: the maximum rate for 10 s, and the latency at a fixed 1,000/s.
// Baseline: raw single-row INSERTs through the same driver and connection
// count. Beside them, in the same run: bare Hono answering the same payload
// under the same load (the floor on this machine), and the worker's
// throughput correlating those pushes.
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { createDeliveryHandler, JobRunner } from '../src/jobs/index.js';
import { createIntegrator } from '../src/log/index.js';
import { DELIVERY_JOB } from '../src/ingest/index.js';
import { createNoteSigner, generateSigningKey } from '../src/integrity/index.js';
import { connect } from '../src/store/index.js';
import { benchEnv, freshDatabaseUrl, postgresAvailable, type BenchTarget } from './bench-env.js';
import { rateReport, type BenchReport } from './report.js';

const PORT = 18_124;
const BARE_PORT = 18_125;
const SECONDS = 10;
const SECRET = 'bench-webhook-secret';
const N = 10_000;
const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
const bareServer = fileURLToPath(new URL('./bare-webhook-server.js', import.meta.url));
const push = readFileSync(fileURLToPath(new URL('../../test/fixtures/gitlab-webhooks/push.json', import.meta.url)), 'utf8');

async function rawSingle(url: string, connections: number): Promise<number> {
  const sql = connect(url, connections);
  await sql`create table raw_webhook (id bigserial primary key, body text not null)`;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next++ < N) await sql`insert into raw_webhook (body) values (${push})`;
  }));
  const rate = N / ((performance.now() - t0) / 1000);
  await sql`drop table raw_webhook`;
  await sql.end();
  return rate;
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/-/readiness`).catch(() => null);
    if (r?.ok === true) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`nothing ready on port ${port}`);
}

/** The maximum rate for SECONDS, then SECONDS paced at 1,000/s, from 50 HTTP connections; every delivery with its own Idempotency-Key. */
async function load(port: number): Promise<{ max: autocannon.Result; paced: autocannon.Result }> {
  let k = 0;
  const request = {
    method: 'POST' as const,
    headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET, 'content-type': 'application/json' },
    setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, 'idempotency-key': `bench-${port}-${k++}` }, body: push }),
  };
  const url = `http://127.0.0.1:${port}/webhooks/gitlab`;
  const max = await autocannon({ url, connections: 50, duration: SECONDS, requests: [request] });
  const paced = await autocannon({ url, connections: 50, overallRate: 1000, duration: SECONDS, requests: [request] });
  if (max.non2xx + paced.non2xx + max.errors + paced.errors > 0) throw new Error(`${max.non2xx + paced.non2xx} non-2xx answers, ${max.errors + paced.errors} errors on port ${port}`);
  return { max, paced };
}

async function withChild<T>(args: string[], env: Record<string, string>, port: number, fn: () => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitReady(port);
    return await fn();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function runTarget(target: BenchTarget): Promise<BenchReport[]> {
  const url = await freshDatabaseUrl(target, 'flowtrail_bench_webhook');
  if (url === undefined) throw new Error('the webhook benchmark runs on PostgreSQL');
  const connections = 10;
  const raw = await rawSingle(url, connections);
  const bare = await withChild([bareServer, String(BARE_PORT)], {}, BARE_PORT, () => load(BARE_PORT));
  const env = { ...benchEnv(url), FLOWTRAIL_PORT: String(PORT), FLOWTRAIL_WEBHOOK_SECRET: SECRET, FLOWTRAIL_LOG_LEVEL: 'warn' };
  const ours = await withChild([bin, 'serve'], env, PORT, () => load(PORT));
  const rate = (r: autocannon.Result) => r.requests.total / r.duration;
  const bareRate = rate(bare.max);
  return [
    rateReport(`webhook deliveries acknowledged durably (${target}, ${connections} db connections)`, 'deliveries/s', rate(ours.max), { name: `raw single-row INSERT of the payload, ${connections} connections`, value: raw }, 0.5,
      `50 HTTP connections for ${SECONDS} s; p50 ${ours.max.latency.p50} ms, p99 ${ours.max.latency.p99} ms at the maximum rate; ${Math.round(100 * rate(ours.max) / bareRate)}% of bare Hono's rate`),
    {
      name: 'bare Hono answering the same payload, same load (no check, no sanitizing, no database)', metric: 'requests/s', value: bareRate,
      baseline: { name: `raw single-row INSERT, ${connections} connections`, value: raw }, ratio: bareRate / raw, target: 'reported (the floor)', pass: true,
      notes: `p50 ${bare.max.latency.p50} ms, p99 ${bare.max.latency.p99} ms at the maximum rate; at 1,000/s p50 ${bare.paced.latency.p50} ms, p99 ${bare.paced.latency.p99} ms`,
    },
    {
      name: `webhook p99 acknowledgement at 1,000 deliveries/s (${target})`, metric: 'ms p99', value: ours.paced.latency.p99,
      baseline: { name: 'bare Hono p99 at 1,000/s in the same run', value: bare.paced.latency.p99 }, ratio: bare.paced.latency.p99 / Math.max(ours.paced.latency.p99, 1e-9),
      target: '<= 25 ms', pass: ours.paced.latency.p99 <= 25,
      notes: `${ours.paced.requests.total} deliveries in ${ours.paced.duration} s (${Math.round(rate(ours.paced))}/s achieved); p50 ${ours.paced.latency.p50} ms`,
    },
  ];
}

/** The worker alone: push deliveries already stored, correlated by one runner (no GitLab calls: 2 commits each). */
export async function workerThroughput(target: BenchTarget): Promise<BenchReport> {
  const url = await freshDatabaseUrl(target, 'flowtrail_bench_worker');
  if (url === undefined) throw new Error('the worker benchmark runs on PostgreSQL');
  const sql = connect(url, 4);
  try {
    const { migrate } = await import('../src/store/index.js');
    await migrate(sql);
    const count = 2000;
    const body = JSON.parse(push) as Record<string, unknown>;
    await sql`insert into deliveries (dedupe_key, event_name, headers, body) select 'k' || g, 'Push Hook', '{}', ${sql.json(body as never)} from generate_series(1, ${count}) g`;
    await sql`insert into jobs (name, payload) select ${DELIVERY_JOB}, jsonb_build_object('delivery_id', id) from deliveries`;
    const integrator = createIntegrator({ sql, signer: createNoteSigner(generateSigningKey('bench').privateKeyPem, 'bench'), origin: 'bench', checkpointEvents: 10_000, checkpointIntervalMs: 60_000 });
    const runner = new JobRunner({ sql, handlers: { [DELIVERY_JOB]: createDeliveryHandler({ sql, integrator, agentPatterns: ['duo-developer*'], gitlab: null }) } });
    const t0 = performance.now();
    await runner.runDue();
    const rate = count / ((performance.now() - t0) / 1000);
    return { name: `worker: push correlation (${target})`, metric: 'deliveries/s', value: rate, baseline: { name: 'none (reported beside the intake)', value: rate }, ratio: 1, target: 'reported', pass: true, notes: `${count} stored push deliveries of 2 commits each, one runner` };
  } finally {
    await sql.end();
  }
}

export async function run(): Promise<BenchReport[]> {
  if (!(await postgresAvailable())) return [];
  return [...(await runTarget('postgres')), await workerThroughput('postgres')];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
