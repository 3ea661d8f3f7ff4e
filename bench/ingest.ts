// Flow-event ingest through the running service (HTTP, auth, validation,
// sanitization, durable intake, then sequencing into the Merkle log),
// against raw INSERTs of rows of the same size through the same driver.
import { pathToFileURL } from 'node:url';
import { createApiToken } from '../src/auth/index.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService, type Service } from '../src/service.js';
import { logSize, type Pool } from '../src/store/index.js';
import { benchEnv, benchEvent, freshDatabaseUrl, postgresAvailable, type BenchTarget } from './bench-env.js';
import { rateReport, type BenchReport } from './report.js';

const BATCH = 1000;
const BATCHES = 20;
const SINGLE_EVENTS = 4000;

async function withService<T>(target: BenchTarget, fn: (s: Service, token: string) => Promise<T>): Promise<T> {
  const url = await freshDatabaseUrl(target, 'flowtrail_bench_ingest');
  const config = loadConfig(benchEnv(url));
  const service = await startService(config, createLogger('silent'));
  try {
    const { token } = await createApiToken(service.db.sql, { role: 'ingest' }, { id: 'bench' });
    return await fn(service, token);
  } finally {
    await service.close();
  }
}

async function waitForLog(sql: Pool, size: number, integrate: () => Promise<number>): Promise<void> {
  while ((await logSize(sql)) < size) await integrate();
}

async function post(s: Service, token: string, body: unknown): Promise<void> {
  const res = await fetch(`${s.url}/api/v1/flow-events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Rows as wide as an event's JSON. */
function rawRow(i: number): { body: string } {
  return { body: JSON.stringify(benchEvent(i, `raw-${i % 50}`, new Date().toISOString())) };
}

async function rawBatched(sql: Pool): Promise<number> {
  await sql`create table if not exists raw_bench (id bigserial primary key, body text not null)`;
  const t0 = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const rows = Array.from({ length: BATCH }, (_, i) => rawRow(b * BATCH + i));
    await sql`insert into raw_bench ${sql(rows, 'body')}`;
  }
  return (BATCH * BATCHES) / ((performance.now() - t0) / 1000);
}

async function rawSingle(sql: Pool, connections: number): Promise<number> {
  await sql`create table if not exists raw_single (id bigserial primary key, body text not null)`;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < SINGLE_EVENTS) {
      const i = next++;
      await sql`insert into raw_single (body) values (${rawRow(i).body})`;
    }
  }));
  return SINGLE_EVENTS / ((performance.now() - t0) / 1000);
}

function startedEvent(sessionId: string, occurredAt: string): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID(), type: 'duo_flow_started', session_id: sessionId, occurred_at: occurredAt,
    user: { id: 1, username: 'dana' }, agent: { id: 2, username: 'ai-bench' }, project: { id: 3, path: 'acme/bench' },
    flow_type: 'software_development', input_prompt: 'benchmark',
    authorization: { verified_at: occurredAt, method: 'composite_identity', scopes: ['ai_workflows'] },
  };
}

export async function runTarget(target: BenchTarget): Promise<BenchReport[]> {
  return withService(target, async (s, token) => {
    const connections = s.db.maxConnections;
    const base = await logSize(s.db.sql);
    const now = Date.now();
    const at = (i: number) => new Date(now - 3_600_000 + i).toISOString();
    await post(s, token, startedEvent('bench-1', at(0)));

    const rawB = await rawBatched(s.db.sql);
    let t0 = performance.now();
    for (let b = 0; b < BATCHES; b++) {
      await post(s, token, Array.from({ length: BATCH }, (_, i) => benchEvent(b * BATCH + i, 'bench-1', at(1 + b * BATCH + i))));
    }
    await waitForLog(s.db.sql, base + 1 + BATCH * BATCHES, s.integrator.integrate);
    const batched = (BATCH * BATCHES) / ((performance.now() - t0) / 1000);

    const rawS = await rawSingle(s.db.sql, connections);
    // Decisions are logged by running sessions: start the 20 sessions they belong to.
    await post(s, token, Array.from({ length: 20 }, (_, k) => startedEvent(`bench-s${k}`, at(99_000 + k))));
    const before = await logSize(s.db.sql);
    let next = 0;
    t0 = performance.now();
    await Promise.all(Array.from({ length: connections }, async () => {
      while (next < SINGLE_EVENTS) {
        const i = next++;
        await post(s, token, benchEvent(i, `bench-s${i % 20}`, at(100_000 + i)));
      }
    }));
    const acked = SINGLE_EVENTS / ((performance.now() - t0) / 1000);
    await waitForLog(s.db.sql, before + SINGLE_EVENTS, s.integrator.integrate);
    const single = SINGLE_EVENTS / ((performance.now() - t0) / 1000);

    return [
      rateReport(`batched flow-event ingest (${target})`, 'events/s', batched, { name: `raw batched INSERT, ${BATCH} rows/statement`, value: rawB }, 0.5,
        `${BATCHES} requests of ${BATCH} events over HTTP, sanitized, committed, sequenced and hashed into the log`),
      rateReport(`single-event ingest (${target}, ${connections} connection${connections > 1 ? 's' : ''})`, 'events/s', single, { name: `raw single-row INSERT, ${connections} connection(s)`, value: rawS }, 0.5,
        `${SINGLE_EVENTS} requests of one event from ${connections} concurrent client(s); acknowledged at ${Math.round(acked)}/s, all in the log at the rate shown`),
    ];
  });
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
