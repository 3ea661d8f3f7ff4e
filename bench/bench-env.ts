import { spawn, type ChildProcess } from 'node:child_process';
import { generateSigningKey } from '../src/integrity/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/store/index.js';

export type BenchTarget = 'pglite' | 'postgres';

/** PostgreSQL for benchmarks: FLOWTRAIL_BENCH_DATABASE_URL, else the local server .ci/run starts. */
export const BENCH_PG_URL = process.env.FLOWTRAIL_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh empty database for one benchmark: in-memory PGlite, or a newly created PostgreSQL database. */
export async function freshDatabaseUrl(target: BenchTarget, name: string): Promise<string | undefined> {
  if (target === 'pglite') return undefined;
  const admin = connect(BENCH_PG_URL, 1);
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(BENCH_PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function postgresAvailable(): Promise<boolean> {
  const sql = connect(BENCH_PG_URL, 1);
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

const key = generateSigningKey('flowtrail/bench');

/** Settings for a service under benchmark: PostgreSQL at `url`, else PGlite in a new data directory (as users run it). */
export function benchEnv(url: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(url === undefined ? { FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowtrail-bench-')) } : { FLOWTRAIL_DATABASE_URL: url }),
    FLOWTRAIL_SANITIZER_KEY: 'bench-sanitizer-key-0123456789abcdef',
    FLOWTRAIL_SIGNING_KEY: key.privateKeyPem,
    FLOWTRAIL_LOG_ORIGIN: 'flowtrail/bench',
    FLOWTRAIL_LOG_LEVEL: 'silent',
    FLOWTRAIL_PORT: '0',
    ...extra,
  };
}

/** A realistic decision event of about 700 bytes, with a secret in one of ten. */
export function benchEvent(i: number, sessionId: string, occurredAt: string): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID(),
    type: 'duo_flow_decision_logged',
    session_id: sessionId,
    occurred_at: occurredAt,
    step: i,
    decision: `Run the unit tests for LedgerTotals after switching to ROUND_HALF_EVEN (step ${i}); the fixtures in tests/ledger/test_totals.py cover the .5 cases.`,
    rationale: i % 10 === 0
      ? `The CI job failed with DATABASE_URL=postgres://ci:S3cr3t-${i}@db.internal:5432/ledger in its log, so the agent reran it locally without credentials.`
      : 'Running the narrow test file first keeps the feedback loop short and shows whether the rounding mode change broke other totals.',
    alternatives: ['Run the whole suite', 'Skip the tests and open the merge request', 'Ask the reviewer to run them'],
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The median milliseconds of `rounds` calls of `fn`, after two calls that warm the caches. */
export async function medianMs(rounds: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < rounds + 2; i++) {
    const t0 = performance.now();
    await fn();
    if (i >= 2) ms.push(performance.now() - t0);
  }
  return median(ms);
}

const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

/**
 * Spawns the built `flowtrail serve` with `env` on `port`, with `token` as its
 * bootstrap admin token, and resolves once /-/readiness answers 200 (killed,
 * and an error, when it does not within 30 s).
 */
export async function startServe(env: Record<string, string>, o: { port: number; token: string; logLevel?: string; stdout?: 'ignore' | 'inherit' }): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, ...env, FLOWTRAIL_PORT: String(o.port), FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: o.token, FLOWTRAIL_LOG_LEVEL: o.logLevel ?? 'warn' },
    stdio: ['ignore', o.stdout ?? 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`http://127.0.0.1:${o.port}/-/readiness`).catch(() => null))?.ok === true) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('serve did not become ready');
}
