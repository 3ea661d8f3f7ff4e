// `flowtrail serve` across a real PostgreSQL stop and start (pg_ctl stop -m fast,
// which ends every connection the way a restart or failover does), under load.
// A private cluster is made for the run (initdb on a temporary directory and a
// free port, as the postgres user when run as root), so the machine's shared
// server is never touched. Senders retry what was not acknowledged, as agents
// do. Reported: how long after PostgreSQL accepts connections again the service
// is ready and acknowledging, beside how long PostgreSQL itself took to start;
// and the counts (acknowledged, stored, lost, duplicated, 5xx other than 503).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect } from '../src/store/index.js';
import { benchEnv, benchEvent, startServe } from './bench-env.js';
import { freePort } from './free-port.js';
import type { BenchReport } from './report.js';

const PG_BIN = process.env.FLOWTRAIL_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const TOKEN = `ftk_${'P'.repeat(40)}`;
const SENDERS = 4;
const BATCH = 100;
const DOWN_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A private PostgreSQL cluster: initdb, pg_ctl start/stop, as the postgres user when this runs as root (initdb refuses root). */
function cluster(dir: string, port: number) {
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const cmd = join(PG_BIN, tool);
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'ignore' });
  };
  const data = join(dir, 'data');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    init() {
      if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
      run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    },
    start: () => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
  };
}

export async function run(): Promise<BenchReport[]> {
  if (!existsSync(join(PG_BIN, 'initdb'))) {
    console.error(`database-restart: skipped (no ${PG_BIN}/initdb; set FLOWTRAIL_PG_BIN)`);
    return [];
  }
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-pg-restart-'));
  const pg = cluster(dir, await freePort());
  pg.init();
  pg.start();
  const port = await freePort();
  const serve = await startServe(benchEnv(pg.url), { port, token: TOKEN, logLevel: 'error', stdout: 'inherit' });
  let exitCode: number | null = null;
  const exited = new Promise<void>((r) => serve.once('exit', (code) => ((exitCode = code), r())));
  try {
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let sending = true;
    let firstAckAfter = Infinity;
    const sender = async () => {
      while (sending) {
        const events = Array.from({ length: BATCH }, (_, i) => benchEvent(i, `restart-${i % 10}`, new Date().toISOString()));
        for (;;) {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/flow-events`, {
            method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(events),
          }).catch(() => null);
          const status = res?.status ?? 0;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          await res?.text();
          if (status === 202) {
            acknowledged.push(...events.map((e) => e.event_id as string));
            firstAckAfter = Math.min(firstAckAfter, performance.now());
            break;
          }
          await sleep(100);
        }
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);
    await sleep(2000);

    pg.stop();
    const stoppedAt = performance.now();
    await sleep(500);
    const downReadiness = (await fetch(`http://127.0.0.1:${port}/-/readiness`)).status;
    const downIntake = await fetch(`http://127.0.0.1:${port}/api/v1/flow-events`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify([benchEvent(0, 'restart-x', new Date().toISOString())]),
    });
    const downAnswer = `${downIntake.status} Retry-After ${downIntake.headers.get('retry-after')}`;
    await downIntake.text();
    await sleep(Math.max(0, DOWN_MS - (performance.now() - stoppedAt)));

    const t0 = performance.now();
    pg.start();
    const pgStartMs = performance.now() - t0;
    const acceptedAt = performance.now();
    firstAckAfter = Infinity;
    let readyMs = Infinity;
    while (performance.now() - acceptedAt < 60_000) {
      if ((await fetch(`http://127.0.0.1:${port}/-/readiness`).catch(() => null))?.ok === true) {
        readyMs = performance.now() - acceptedAt;
        break;
      }
      await sleep(20);
    }
    while (firstAckAfter === Infinity && performance.now() - acceptedAt < 60_000) await sleep(20);
    const ackMs = firstAckAfter - acceptedAt;
    await sleep(2000);
    sending = false;
    await Promise.all(senders);

    const sql = connect(pg.url, 1);
    const [row] = await sql<{ stored: number; distinct: number }[]>`
      select count(*)::int as stored, count(distinct event_id)::int as distinct from audit_events where event_id = any(${acknowledged})`;
    await sql.end();
    const serverErrors = [...statuses].filter(([s]) => s >= 500 && s !== 503).reduce((n, [, c]) => n + c, 0);
    const alive = exitCode === null;
    return [{
      name: 'serve across a real PostgreSQL stop (pg_ctl stop -m fast) and start, under load',
      metric: 'ms to ready after PostgreSQL accepts connections',
      value: readyMs,
      baseline: { name: 'pg_ctl start -w (PostgreSQL itself)', value: pgStartMs },
      ratio: pgStartMs / readyMs,
      target: '<= 5,000 ms, nothing lost or duplicated, no crash',
      pass: readyMs <= 5000 && row!.stored === acknowledged.length && row!.distinct === acknowledged.length && serverErrors === 0 && alive,
      notes: `down ${DOWN_MS} ms; while down readiness ${downReadiness}, intake ${downAnswer}; first acknowledgement ${Math.round(ackMs)} ms after PostgreSQL was back; `
        + `acknowledged ${acknowledged.length} events, stored ${row!.stored}, lost ${acknowledged.length - row!.stored}, duplicated ${row!.stored - row!.distinct}; `
        + `answers ${[...statuses].map(([s, c]) => `${s === 0 ? 'refused' : s}: ${c}`).join(', ')}; serve ${alive ? 'still running' : `exited ${exitCode}`}`,
    }];
  } finally {
    serve.kill('SIGTERM');
    await exited;
    try {
      pg.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
