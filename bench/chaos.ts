// npm run chaos: the crash-consistency harness (docs/reliability.md, "Crash
// consistency"). Flags or environment:
//   --db postgres|pglite (FLOWTRAIL_CHAOS_DB, default postgres)
//   --replicas N (3; PGlite runs one process), --kills N (10), --duration S (180), --seed N (random, printed)
//   --workers N concurrent agent sessions (5), --drain S seconds for the jobs after the load (360)
//   --write-docs puts the figures into docs/reliability.md (FLOWTRAIL_CHAOS_MACHINE and FLOWTRAIL_CHAOS_DATE name the machine and day)
// PostgreSQL: FLOWTRAIL_CHAOS_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres (a fresh database is created and dropped).
// Exits 1 when any check fails.
import { parseArgs } from 'node:util';
import { formatResult } from './chaos/format-result.js';
import { runChaos } from './chaos/run-chaos.js';
import { writeFigures } from './chaos/write-figures.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' }, replicas: { type: 'string' }, kills: { type: 'string' }, duration: { type: 'string' },
    seed: { type: 'string' }, workers: { type: 'string' }, drain: { type: 'string' }, 'write-docs': { type: 'boolean' },
  },
});
const env = process.env;
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const db = values.db ?? env.FLOWTRAIL_CHAOS_DB ?? 'postgres';
if (db !== 'postgres' && db !== 'pglite') throw new Error('--db must be postgres or pglite');
const result = await runChaos({
  db,
  adminUrl: env.FLOWTRAIL_CHAOS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  replicas: num(values.replicas ?? env.FLOWTRAIL_CHAOS_REPLICAS, 3),
  kills: num(values.kills ?? env.FLOWTRAIL_CHAOS_KILLS, 10),
  durationS: num(values.duration ?? env.FLOWTRAIL_CHAOS_DURATION_S, 180),
  seed: num(values.seed ?? env.FLOWTRAIL_CHAOS_SEED, Math.floor(Math.random() * 2 ** 31)),
  sessionWorkers: num(values.workers ?? env.FLOWTRAIL_CHAOS_WORKERS, 5),
  drainTimeoutS: num(values.drain ?? env.FLOWTRAIL_CHAOS_DRAIN_S, 360),
  progress: (line) => console.log(line),
});
console.log(formatResult(result));
if (values['write-docs'] === true) {
  console.log(`figures written to ${writeFigures(result, env.FLOWTRAIL_CHAOS_MACHINE ?? 'this machine', env.FLOWTRAIL_CHAOS_DATE ?? new Date().toISOString().slice(0, 10))}`);
}
process.exitCode = result.ok ? 0 : 1;
