// Append throughput of three `flowtrail serve` replicas on one PostgreSQL
// database against one replica on the same kind of database, in the same run:
// the same senders post batched flow events over HTTP, spread round-robin over
// the replicas as a load balancer would. Every event is committed into the one
// Merkle log (one log lock across processes) before its answer. Rounds
// alternate one / three so drift on the machine hits both alike; the medians
// are reported. PostgreSQL only: PGlite admits one process.
import type { ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { benchEnv, benchEvent, freshDatabaseUrl, median, postgresAvailable, startServe } from './bench-env.js';
import { rateReport, type BenchReport } from './report.js';

const BATCH = 500;
const BATCHES = 60;
const SENDERS = 6;
const ROUNDS = 3;
const TOKEN = `ftk_${'R'.repeat(40)}`;
const FIRST_PORT = 18_201;

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise((r) => {
    c.once('exit', r);
    c.kill('SIGTERM');
  })));
}

/** Posts BATCHES batches of BATCH events from SENDERS concurrent senders, batch k to replica k mod n; resolves with events/s. */
async function load(ports: number[], round: number): Promise<number> {
  let next = 0;
  const now = Date.now();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: SENDERS }, async () => {
    for (let b = next++; b < BATCHES; b = next++) {
      const events = Array.from({ length: BATCH }, (_, i) => benchEvent(b * BATCH + i, `replicas-${round}-${b % 20}`, new Date(now - 3_600_000 + b * BATCH + i).toISOString()));
      const res = await fetch(`http://127.0.0.1:${ports[b % ports.length]}/api/v1/flow-events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
  }));
  return (BATCH * BATCHES) / ((performance.now() - t0) / 1000);
}

/** One round on a fresh database with `n` replicas. */
async function measure(n: number, round: number): Promise<number> {
  const url = await freshDatabaseUrl('postgres', `flowtrail_bench_replicas_${n}`);
  const env = benchEnv(url);
  // The first start migrates; the others find the schema in place.
  const children = [await startServe(env, { port: FIRST_PORT, token: TOKEN })];
  try {
    for (let i = 1; i < n; i++) children.push(await startServe(env, { port: FIRST_PORT + i, token: TOKEN }));
    await load(children.map((_, i) => FIRST_PORT + i), round);
    return await load(children.map((_, i) => FIRST_PORT + i), round + 1000);
  } finally {
    await stop(children);
  }
}

export async function run(): Promise<BenchReport[]> {
  if (!(await postgresAvailable())) {
    console.error('replicas: skipped (needs PostgreSQL; PGlite admits one process)');
    return [];
  }
  const one: number[] = [];
  const three: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    one.push(await measure(1, r));
    three.push(await measure(3, r));
  }
  return [rateReport('batched flow-event ingest, three replicas on one PostgreSQL', 'events/s', median(three), { name: 'one replica, same senders', value: median(one) }, 1,
    `${BATCHES} requests of ${BATCH} events from ${SENDERS} concurrent senders, round-robin over the replicas (after a warm-up pass); median of ${ROUNDS} alternating rounds `
      + `(one: ${one.map((v) => Math.round(v)).join(', ')}; three: ${three.map((v) => Math.round(v)).join(', ')} events/s)`)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
