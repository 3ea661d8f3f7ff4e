// The append transaction on its own, in this process: batches of 1,000
// sanitized events through appendEvents, timed from BEGIN to COMMIT (the log
// lock is held for all of it, since it is the transaction's first statement),
// and the sizes of the log's table and indexes per million events.
// node dist/bench/ingest-append.js [postgres|pglite] [batches]
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { NewEvent } from '../src/events.js';
import { validateFlowEvent } from '../src/ingest/index.js';
import { createNoteSigner, generateSigningKey } from '../src/integrity/index.js';
import { appendEvents, type CheckpointPolicy } from '../src/log/index.js';
import { createSanitizer, sanitizeEvent } from '../src/sanitize/index.js';
import { migrate, openDatabase, type Pool } from '../src/store/index.js';
import { benchEnv, benchEvent, freshDatabaseUrl, median, type BenchTarget } from './bench-env.js';

const BATCH = 1000;

export interface AppendFigures {
  /** Milliseconds from BEGIN to COMMIT per batch of 1,000 (the log lock's hold time, as seen by the client). */
  holdMs: number[];
  /** CPU milliseconds per batch of this process (leaves, driver) and of the PostgreSQL backend (parse, heap, indexes, WAL), when it runs on this machine. */
  nodeCpuMs: number[];
  pgCpuMs: number[];
  /** Bytes per million events: the table (heap and TOAST) and each index. */
  bytesPerMillion: Record<string, number>;
  events: number;
}

export function benchEvents(count: number, sessionId: string): NewEvent[] {
  const sanitizer = createSanitizer({ key: Buffer.alloc(32, 1) });
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const v = validateFlowEvent(benchEvent(i, sessionId, new Date(now - 3_600_000 + i).toISOString()));
    if (!v.ok) throw new Error('bench event is invalid');
    return sanitizeEvent(sanitizer, v.event);
  });
}

/** CPU time of a local PostgreSQL backend in ms (utime + stime from /proc; 10 ms ticks), or NaN when it is not on this machine. */
function backendCpuMs(pid: number): number {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return Number.NaN;
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function relationSizes(sql: Pool, events: number): Promise<Record<string, number>> {
  const rows = await sql<{ name: string; bytes: number }[]>`
    select 'table (heap + TOAST)' as name, (pg_table_size('audit_events'))::float8 as bytes
    union all
    select indexrelid::regclass::text, pg_relation_size(indexrelid)::float8 from pg_index where indrelid = 'audit_events'::regclass`;
  return Object.fromEntries(rows.map((r) => [r.name, (r.bytes / events) * 1_000_000]));
}

export async function measureAppend(sql: Pool, batches: number): Promise<AppendFigures> {
  const key = generateSigningKey('flowtrail/bench');
  const policy: CheckpointPolicy = { signer: createNoteSigner(key.privateKeyPem, 'flowtrail/bench'), origin: 'flowtrail/bench', every: 10_000 };
  const holdMs: number[] = [];
  const nodeCpuMs: number[] = [];
  const pgCpuMs: number[] = [];
  for (let b = 0; b < batches; b++) {
    const events = benchEvents(BATCH, `bench-${b % 50}`);
    let pg = Number.NaN;
    let node = 0;
    const t0 = performance.now();
    await sql.begin(async (tx) => {
      const [backend] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
      const pid = backend!.pid;
      const [pg0, node0] = [backendCpuMs(pid), process.cpuUsage()];
      await appendEvents(tx, events, policy);
      const n = process.cpuUsage(node0);
      [pg, node] = [backendCpuMs(pid) - pg0, (n.user + n.system) / 1000];
    });
    holdMs.push(performance.now() - t0);
    nodeCpuMs.push(node);
    pgCpuMs.push(pg);
  }
  await sql`analyze audit_events`;
  const [n] = await sql<{ n: number }[]>`select count(*)::int as n from audit_events`;
  return { holdMs, nodeCpuMs, pgCpuMs, bytesPerMillion: await relationSizes(sql, n!.n), events: n!.n };
}

async function main(): Promise<void> {
  const target = (process.argv[2] ?? 'postgres') as BenchTarget;
  const batches = Number(process.argv[3] ?? 50);
  const url = await freshDatabaseUrl(target, 'flowtrail_bench_append');
  const db = await openDatabase(url === undefined ? { dataDir: benchEnv(undefined).FLOWTRAIL_DATA_DIR! } : { url, dataDir: '' });
  try {
    await migrate(db.sql);
    const f = await measureAppend(db.sql, batches);
    const warm = f.holdMs.slice(5);
    console.log(`${target}: ${f.events} events; BEGIN..COMMIT per ${BATCH}: median ${median(warm).toFixed(1)} ms, best ${Math.min(...warm).toFixed(1)} ms (${Math.round(BATCH / (median(warm) / 1000))} events/s under the lock)`);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`CPU per ${BATCH}: this process ${mean(f.nodeCpuMs.slice(5)).toFixed(1)} ms, PostgreSQL backend ${mean(f.pgCpuMs.slice(5)).toFixed(1)} ms (before COMMIT)`);
    for (const [k, v] of Object.entries(f.bytesPerMillion)) console.log(`${(v / 2 ** 20).toFixed(0).padStart(6)} MiB per million  ${k}`);
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
