// Flow-event ingest through a running `flowtrail serve` process (HTTP, auth,
// validation, sanitization, sequencing and hashing into the Merkle log, all
// committed before the answer), loaded from this process with autocannon.
// Baselines in the same run: raw INSERTs of rows of the same size through the
// same driver, over the same number of database connections.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { connect, type Pool } from '../src/store/index.js';
import { benchEnv, benchEvent, freshDatabaseUrl, median, postgresAvailable, startServe, type BenchTarget } from './bench-env.js';
import { rateReport, type BenchReport } from './report.js';

const BATCH = 1000;
const BATCHES = 20;
/** The batched measurement and its baseline are repeated; the report gives the median and names the best (a shared machine is noisy). */
const ROUNDS = 5;
const SINGLE_EVENTS = 20_000;
const HTTP_CONNECTIONS = 50;
const TOKEN = `ftk_${'B'.repeat(40)}`;
const PORT = 18_123;

async function post(body: unknown): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/flow-events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

function startedEvent(sessionId: string, occurredAt: string): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID(), type: 'duo_flow_started', session_id: sessionId, occurred_at: occurredAt,
    user: { id: 1, username: 'dana' }, agent: { id: 2, username: 'ai-bench' }, project: { id: 3, path: 'acme/bench' },
    flow_type: 'software_development', input_prompt: 'benchmark',
    authorization: { verified_at: occurredAt, method: 'composite_identity', scopes: ['ai_workflows'] },
  };
}

/** CPU time (user + system) of a process on this machine in ms, from /proc (10 ms ticks); NaN where there is no /proc. */
function processCpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** CPU of the PostgreSQL backends connected to this database (the service's pool), in ms. */
async function backendsCpuMs(url: string | undefined): Promise<number> {
  if (url === undefined) return Number.NaN;
  const sql = connect(url, 1);
  try {
    const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`;
    return rows.reduce((sum, r) => sum + processCpuMs(r.pid), 0);
  } finally {
    await sql.end();
  }
}

const rawRow = (i: number) => JSON.stringify(benchEvent(i, `raw-${i % 50}`, new Date().toISOString()));

async function rawBatched(sql: Pool): Promise<number[]> {
  await sql`create table raw_batched (id bigserial primary key, body text not null)`;
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      await sql`insert into raw_batched ${sql(Array.from({ length: BATCH }, (_, i) => ({ body: rawRow(b * BATCH + i) })), 'body')}`;
    }
    rates.push((BATCH * BATCHES) / ((performance.now() - t0) / 1000));
  }
  return rates;
}

async function rawSingle(sql: Pool, connections: number): Promise<number> {
  await sql`create table raw_single (id bigserial primary key, body text not null)`;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: HTTP_CONNECTIONS }, async () => {
    while (next < SINGLE_EVENTS) await sql`insert into raw_single (body) values (${rawRow(next++)})`;
  }));
  void connections;
  return SINGLE_EVENTS / ((performance.now() - t0) / 1000);
}

export async function runTarget(target: BenchTarget): Promise<BenchReport[]> {
  const url = await freshDatabaseUrl(target, 'flowtrail_bench_ingest');
  const connections = target === 'postgres' ? 10 : 1;
  // The baselines run first, on their own connection pool of the same size, before the service holds the database.
  let rawB: number[] = [];
  let rawS = 0;
  if (url !== undefined) {
    const sql = connect(url, connections);
    rawB = await rawBatched(sql);
    rawS = await rawSingle(sql, connections);
    await sql`drop table raw_batched, raw_single`;
    await sql.end();
  }
  const env = benchEnv(url);
  if (url === undefined) {
    // PGlite admits one process: measure its baseline through the same driver and socket server, then close it.
    const { openDatabase } = await import('../src/store/index.js');
    const db = await openDatabase({ dataDir: env.FLOWTRAIL_DATA_DIR! });
    rawB = await rawBatched(db.sql);
    rawS = await rawSingle(db.sql, connections);
    await db.sql`drop table raw_batched, raw_single`;
    await db.close();
  }
  const child = await startServe(env, { port: PORT, token: TOKEN });
  try {
    const now = Date.now();
    const at = (i: number) => new Date(now - 3_600_000 + i).toISOString();
    await post([startedEvent('bench-1', at(0)), ...Array.from({ length: 20 }, (_, k) => startedEvent(`bench-s${k}`, at(k + 1)))]);

    // CPU of each side over the batched rounds (Linux /proc; PostgreSQL only when it runs on this machine).
    const cpu0 = { serve: processCpuMs(child.pid), bench: process.cpuUsage(), pg: await backendsCpuMs(url) };
    const batchedRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now();
      for (let b = 0; b < BATCHES; b++) {
        const n = (r * BATCHES + b) * BATCH;
        await post(Array.from({ length: BATCH }, (_, i) => benchEvent(n + i, 'bench-1', at(100 + n + i))));
      }
      batchedRates.push((BATCH * BATCHES) / ((performance.now() - t) / 1000));
    }
    const batched = median(batchedRates);
    const best = Math.max(...batchedRates);
    const perThousand = (ms: number) => (ms / (ROUNDS * BATCHES * BATCH)) * 1000;
    const benchCpu = process.cpuUsage(cpu0.bench);
    const cpuNote = `CPU per 1,000 events: serve ${perThousand(processCpuMs(child.pid) - cpu0.serve).toFixed(0)} ms, load generator ${perThousand((benchCpu.user + benchCpu.system) / 1000).toFixed(0)} ms`
      + (url === undefined ? '' : `, PostgreSQL backends ${perThousand((await backendsCpuMs(url)) - cpu0.pg).toFixed(0)} ms`);

    let i = 0;
    const t0 = performance.now();
    const result = await autocannon({
      url: `http://127.0.0.1:${PORT}/api/v1/flow-events`,
      connections: HTTP_CONNECTIONS,
      amount: SINGLE_EVENTS,
      requests: [{
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(benchEvent(i, `bench-s${i % 20}`, at(1_000_000 + i++))) }),
      }],
    });
    const single = result.requests.total / ((performance.now() - t0) / 1000);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return [
      rateReport(`batched flow-event ingest (${target})`, 'events/s', batched, { name: `raw batched INSERT, ${BATCH} rows/statement`, value: median(rawB) }, 0.5,
        `${BATCHES} requests of ${BATCH} events, one after another, each answered once sanitized, sequenced, hashed and committed; median of ${ROUNDS} rounds (best ${Math.round(best)}, all ${batchedRates.map(Math.round).join(', ')}; baseline ${rawB.map(Math.round).join(', ')}); ${cpuNote}`),
      rateReport(`single-event ingest (${target}, ${connections} db connection${connections > 1 ? 's' : ''})`, 'events/s', single, { name: `raw single-row INSERT, ${connections} db connection(s)`, value: rawS }, 0.5,
        `${SINGLE_EVENTS} requests of one event from ${HTTP_CONNECTIONS} concurrent HTTP connections (autocannon); p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function run(): Promise<BenchReport[]> {
  const reports = await runTarget('pglite');
  if (await postgresAvailable()) reports.push(...(await runTarget('postgres')));
  return reports;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
