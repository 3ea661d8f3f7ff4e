// A kept database for measuring `flowtrail verify` step by step: built once
// (FLOWTRAIL_BENCH_VERIFY_EVENTS events, as bench/verify.ts builds them) with a
// signing key kept beside it, then reused by every run. Each run times the
// baseline read and plain verify (and --deep with --deep) a few times; run it
// under `node --cpu-prof` to see where the time goes.
//
//   node dist/bench/verify-profile.js [postgres|pglite] [--deep] [--rounds N] [--rebuild] [--no-baseline]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyDatabase } from '../src/audit/index.js';
import { loadConfig } from '../src/config.js';
import { generateSigningKey, parseVerifierKey } from '../src/integrity/index.js';
import { createSigner, loadKeys } from '../src/load-keys.js';
import { migrate, openDatabase, verifyRowBatches } from '../src/store/index.js';
import { benchEnv, BENCH_PG_URL, freshDatabaseUrl, type BenchTarget } from './bench-env.js';
import { fillVerifyDatabase } from './fill-verify-database.js';

const args = process.argv.slice(2);
const target: BenchTarget = args.includes('pglite') ? 'pglite' : 'postgres';
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 3) || 3;
const NAME = 'flowtrail_bench_verify_kept';
const keyFile = join(tmpdir(), `${NAME}_${target}.pem`);
const dataDir = join(tmpdir(), `${NAME}_pglite`);
const events = Number(process.env.FLOWTRAIL_BENCH_VERIFY_EVENTS ?? 300_000);

const rebuild = args.includes('--rebuild') || !existsSync(keyFile) || (target === 'pglite' && !existsSync(dataDir));
if (rebuild) writeFileSync(keyFile, generateSigningKey('flowtrail/bench').privateKeyPem);
const pem = readFileSync(keyFile, 'utf8');
let url: string | undefined;
if (target === 'postgres') {
  url = rebuild ? await freshDatabaseUrl('postgres', NAME) : Object.assign(new URL(BENCH_PG_URL), { pathname: `/${NAME}` }).toString();
}
const env = benchEnv(url, { FLOWTRAIL_SIGNING_KEY: pem });
if (target === 'pglite') env.FLOWTRAIL_DATA_DIR = dataDir;
const config = loadConfig(env);
const signer = createSigner(await loadKeys(config), config.integrity.origin);
const db = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir });
try {
  if (rebuild) {
    await migrate(db.sql);
    await fillVerifyDatabase(db.sql, config, events);
  }
  const verifiers = [parseVerifierKey(signer.verifierKey)];
  for (let round = 0; round < rounds; round++) {
    let t0 = performance.now();
    let rows = 0;
    if (!args.includes('--no-baseline')) for await (const batch of verifyRowBatches(db.sql)) rows += batch.length;
    const read = rows / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await verifyDatabase(db.sql, verifiers, config.integrity.origin, { deep: args.includes('--deep') });
    const s = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (!r.ok) throw new Error(`verification failed: ${r.problems.slice(0, 3).join('; ')}`);
    const us = (cpu.user + cpu.system) / r.events;
    console.log(`${target}: baseline read ${Math.round(read)} rows/s; verify ${Math.round(r.events / s)} events/s (${r.events} events, ${r.texts} texts, ${r.fullChecks} checked in full; Node CPU ${us.toFixed(2)} us/event)`);
  }
} finally {
  await db.close();
}
