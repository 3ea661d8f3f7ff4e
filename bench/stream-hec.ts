// Streaming to a Splunk HEC-compatible collector on this machine.
//
// Throughput: a log of EVENTS events is streamed from its beginning to a local
// collector (no acknowledgement) by the delivery loop (read from the
// database, format, POST, move the cursor); the baseline is the raw POST
// rate of the same HEC batches, built beforehand, to the same collector,
// without flowtrail. Lag: events appended at 1,000/s for LAG_SECONDS while
// the loop streams them; each event's lag is its arrival at the collector
// minus the moment its append committed; p99 against the 2 s target.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { viewEvents } from '../src/audit/index.js';
import type { NewEvent } from '../src/events.js';
import { createNoteSigner, generateSigningKey } from '../src/integrity/index.js';
import { createIntegrator } from '../src/log/index.js';
import { listDestinations, logSize, MEMORY, migrate, openDatabase, readStreamBatch } from '../src/store/index.js';
import { createDestination, createStreamer, formatStreamEvent, hecEndpoints } from '../src/stream/index.js';
import { createPoster } from '../src/stream/post-request.js';
import { freshDatabaseUrl, postgresAvailable } from './bench-env.js';
import type { BenchReport } from './report.js';

const EVENTS = 100_000;
const BATCH = 2000;
const LAG_RATE = 1000;
const LAG_SECONDS = 20;
const TOKEN = 'bench-hec-token';

/** A collector that answers HEC's success and notes when each event (by its flowtrail_seq field) arrived. */
async function collector(): Promise<{ url: string; count: () => number; arrivals: Map<number, number>; close: () => Promise<void> }> {
  let count = 0;
  const arrivals = new Map<number, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      for (const m of body.matchAll(/"flowtrail_seq":"(\d+)"/g)) {
        count++;
        if (!arrivals.has(Number(m[1]))) arrivals.set(Number(m[1]), now);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, count: () => count, arrivals, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const event = (i: number): NewEvent => ({
  eventId: randomUUID(), type: 'duo_flow_api_request', sessionId: `bench-${i % 500}`, occurredAt: new Date().toISOString(), source: 'system',
  projectPath: 'acme/payments', username: 'dwhitfield', data: { method: 'POST', path: `/api/v4/projects/4821/merge_requests/${i}` },
});

export async function run(): Promise<BenchReport[]> {
  const target = (await postgresAvailable()) ? 'postgres' : 'pglite';
  const url = await freshDatabaseUrl(target, 'flowtrail_bench_stream');
  const db = await openDatabase(url === undefined ? { dataDir: MEMORY } : { url, dataDir: '', max: 6 });
  const hec = await collector();
  try {
    await migrate(db.sql);
    const integrator = createIntegrator({ sql: db.sql, signer: createNoteSigner(generateSigningKey('flowtrail/bench').privateKeyPem, 'flowtrail/bench'), origin: 'flowtrail/bench', checkpointEvents: 1_000_000, checkpointIntervalMs: 3_600_000 });
    for (let i = 0; i < EVENTS; i += 5000) await integrator.append(Array.from({ length: 5000 }, (_, j) => event(i + j)));
    const head = await logSize(db.sql);

    // Baseline: the same batches, formatted beforehand, POSTed as fast as one connection takes them.
    const rows = await readStreamBatch(db.sql, -1, head, { types: [], projects: [] }, head);
    const bodies: string[] = [];
    const views = viewEvents(rows);
    for (let i = 0; i < views.length; i += BATCH) {
      bodies.push(views.slice(i, i + BATCH).map((v) => JSON.stringify({ time: Date.parse(v.recorded_at) / 1000, host: 'bench', source: 'flowtrail', sourcetype: 'flowtrail:ndjson', event: formatStreamEvent(v, 'ndjson'), fields: { event_id: v.event_id, flowtrail_seq: String(v.seq) } })).join(''));
    }
    const poster = createPoster();
    const endpoint = hecEndpoints(new URL(hec.url)).event;
    const rawStart = performance.now();
    for (const b of bodies) await poster.post(endpoint, { 'content-type': 'application/json', authorization: `Splunk ${TOKEN}` }, b);
    const rawRate = head / ((performance.now() - rawStart) / 1000);
    poster.close();
    hec.arrivals.clear();

    // flowtrail: the delivery loop from the beginning of the log.
    const secretsKey = Buffer.alloc(32, 7);
    await createDestination(db.sql, secretsKey, { name: 'bench', type: 'splunk_hec', url: hec.url, token: TOKEN }, { id: 'bench' });
    const streamer = createStreamer({ sql: db.sql, secretsKey, readTokenVariable: () => undefined, batchSize: BATCH, pollMs: 20, leaseRenewMs: 1000 });
    const started = performance.now();
    streamer.start();
    const cursor = async () => (await listDestinations(db.sql))[0]!.cursorSeq;
    while ((await cursor()) < head - 1) await new Promise((r) => setTimeout(r, 20));
    const rate = head / ((performance.now() - started) / 1000);

    // Lag at 1,000 events/s of ingest: 50 events every 50 ms; an event's lag runs from its append's commit.
    const committed = new Map<number, number>();
    hec.arrivals.clear();
    const lagStart = Date.now();
    let sent = 0;
    while (Date.now() - lagStart < LAG_SECONDS * 1000) {
      const due = Math.floor(((Date.now() - lagStart) / 1000) * LAG_RATE) - sent;
      if (due > 0) {
        const before = await logSize(db.sql);
        await integrator.append(Array.from({ length: due }, (_, j) => event(sent + j)));
        const at = Date.now();
        for (let s = before; s < before + due; s++) committed.set(s, at);
        streamer.kick();
        sent += due;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    while ((await cursor()) < (await logSize(db.sql)) - 1) await new Promise((r) => setTimeout(r, 20));
    await streamer.stop();
    const lags = [...committed].map(([seq, at]) => (hec.arrivals.get(seq) ?? Number.NaN) - at).sort((a, b) => a - b);
    const missing = lags.filter((l) => Number.isNaN(l)).length;
    const p = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]! / 1000;
    await integrator.stop();
    return [
      {
        name: `streaming to a local Splunk HEC collector (${target})`, metric: 'events/s', value: Math.round(rate),
        baseline: { name: 'raw POST of the same HEC batches', value: Math.round(rawRate) }, ratio: rate / rawRate,
        target: '>= 20,000 events/s', pass: rate >= 20_000,
        notes: `${head.toLocaleString('en-US')} events in batches of ${BATCH}, read from the database, formatted (ndjson), posted and the cursor moved per batch`,
      },
      {
        name: `streaming lag p99 at ${LAG_RATE} events/s of ingest (${target})`, metric: 's p99', value: p(0.99),
        baseline: { name: 'poll interval (20 ms)', value: 0.02 }, ratio: 0.02 / p(0.99),
        target: '< 2 s', pass: p(0.99) < 2 && missing === 0,
        notes: `${committed.size.toLocaleString('en-US')} events over ${LAG_SECONDS} s; p50 ${p(0.5).toFixed(3)} s, p99 ${p(0.99).toFixed(3)} s, max ${p(1).toFixed(3)} s; ${missing} not delivered`,
      },
    ];
  } finally {
    await hec.close();
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
