// npm run bench: every benchmark with its baseline measured in the same run.
// Prints a Markdown table (for docs/benchmarks.md) and writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { run as hooks } from './hooks.js';
import { run as ingest } from './ingest.js';
import { run as metrics } from './metrics.js';
import { run as otlp } from './otlp.js';
import { run as databaseRestart } from './database-restart.js';
import { run as readiness } from './readiness.js';
import { run as replicas } from './replicas.js';
import { run as sanitize } from './sanitize.js';
import { run as streamHec } from './stream-hec.js';
import { run as scale } from './scale.js';
import { run as usage } from './usage.js';
import { run as anomalies } from './anomalies.js';
import { run as evidencePacks } from './reports.js';
import { run as verify } from './verify.js';
import { run as verifyPure } from './verify-pure.js';
import { run as webhook } from './webhook.js';
import type { BenchReport } from './report.js';

const suites: Record<string, () => Promise<BenchReport | BenchReport[]>> = { sanitize, 'verify-pure': verifyPure, verify, ingest, otlp, metrics, readiness, webhook, hooks, scale, usage, replicas, 'database-restart': databaseRestart, 'stream-hec': streamHec, anomalies, reports: evidencePacks };

const only = process.argv.slice(2);
const reports: BenchReport[] = [];
for (const [name, fn] of Object.entries(suites)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.error(`running ${name} ...`);
  const r = await fn();
  reports.push(...(Array.isArray(r) ? r : [r]));
}
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n < 1 ? String(n) : n.toFixed(2));
console.log(`Run ${new Date().toISOString()} on ${machine}\n`);
console.log('| benchmark | result | baseline (same run) | ratio | target | met |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of reports) {
  console.log(`| ${r.name} | ${fmt(r.value)} ${r.metric} | ${r.baseline.name}: ${fmt(r.baseline.value)} | ${r.ratio.toFixed(2)} | ${r.target} | ${r.pass ? 'yes' : 'no'} |`);
}
for (const r of reports) if (r.notes !== undefined) console.log(`\n- ${r.name}: ${r.notes}`);
for (const r of reports) if (r.table !== undefined) console.log(`\n${r.table}`);
mkdirSync(new URL('../../bench/results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../../bench/results/latest.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), machine, reports }, null, 2));
