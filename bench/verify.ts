// `flowtrail verify` over a real database: every leaf re-hashed, every root
// recomputed and compared with its signed checkpoint, the indexed columns and
// the texts checked against their leaves. Baseline: reading the same columns
// (seq, leaf, leaf_hash, the indexed columns, text_salt, texts) through the
// same driver, which verification cannot beat.
import { pathToFileURL } from 'node:url';
import { verifyDatabase } from '../src/audit/index.js';
import { loadConfig } from '../src/config.js';
import { createSigner, loadKeys } from '../src/load-keys.js';
import { parseVerifierKey } from '../src/integrity/index.js';
import { migrate, openDatabase, verifyRowBatches } from '../src/store/index.js';
import { benchEnv, freshDatabaseUrl, postgresAvailable, type BenchTarget } from './bench-env.js';
import { fillVerifyDatabase } from './fill-verify-database.js';
import type { BenchReport } from './report.js';

const EVENTS = Number(process.env.FLOWTRAIL_BENCH_VERIFY_EVENTS ?? 300_000);
const TARGET = 150_000;

export async function runTarget(target: BenchTarget): Promise<BenchReport> {
  const config = loadConfig(benchEnv(await freshDatabaseUrl(target, 'flowtrail_bench_verify')));
  const signer = createSigner(await loadKeys(config), config.integrity.origin);
  const db = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir });
  try {
    await migrate(db.sql);
    await fillVerifyDatabase(db.sql, config, EVENTS);

    let t0 = performance.now();
    let rows = 0;
    for await (const batch of verifyRowBatches(db.sql)) rows += batch.length;
    const readRate = rows / ((performance.now() - t0) / 1000);

    const verifiers = [parseVerifierKey(signer.verifierKey)];
    t0 = performance.now();
    const r = await verifyDatabase(db.sql, verifiers, config.integrity.origin);
    const seconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const deep = await verifyDatabase(db.sql, verifiers, config.integrity.origin, { deep: true });
    const deepSeconds = (performance.now() - t0) / 1000;
    if (!deep.ok) throw new Error('verification with --deep failed');
    if (!r.ok) throw new Error(`verification failed: ${r.problems.slice(0, 3).join('; ')}`);
    const value = r.events / seconds;
    return {
      name: `flowtrail verify (${target})`,
      metric: 'events/s',
      value,
      baseline: { name: 'reading seq, leaf, leaf_hash, the indexed columns and the texts through the same driver', value: readRate },
      ratio: value / readRate,
      target: `>= ${TARGET} events/s`,
      pass: value >= TARGET,
      notes: `${r.events} events, ${r.texts} texts and ${r.checkpoints.length} checkpoints in ${seconds.toFixed(2)} s; --deep (every leaf canonical JSON too): ${Math.round(deep.events / deepSeconds)} events/s`,
    };
  } finally {
    await db.close();
  }
}

export async function run(): Promise<BenchReport[]> {
  const reports = [await runTarget('pglite')];
  if (await postgresAvailable()) reports.push(await runTarget('postgres'));
  return reports;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
