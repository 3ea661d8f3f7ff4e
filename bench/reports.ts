// Evidence packs over a month of a busy service: 100,000 sessions started in
// the 30 days before today (bench/scale-data.ts with its 10 events each, so a
// log of 1,000,000 leaves with their real leaf hashes), the log's frontier
// computed from those hashes and one checkpoint signed over it by the real
// integrator. produceReport (what the API, the CLI and the schedule call) is
// timed for one framework (SOC 2) over the period [today - 30 days, today) in
// html and oscal, and in pdf with Chromium when it is installed, against the
// plain count of the period's events (the least any pack reads; same run).
// The parts of one pack are timed too, to show what dominates.
// Usage: npm run bench -- reports (FLOWTRAIL_REPORT_BENCH_SESSIONS, default 100000;
// FLOWTRAIL_REPORT_BENCH_ROUNDS, default 5).
import { access, constants } from 'node:fs/promises';
import { loadConfig, type ReportFormat } from '../src/config.js';
import { appendLeaf, buildInclusionProofs, createNoteSigner, generateSigningKey, parseVerifierKey, type Frontier } from '../src/integrity/index.js';
import { createIntegrator } from '../src/log/index.js';
import { buildPack, produceReport, renderHtml, renderOscal, renderPdf, reportDepsFrom, type ReportDeps } from '../src/reports/index.js';
import { checkpointCovering, connect, leafBatches, startedSessionFigures, type Pool } from '../src/store/index.js';
import { medianMs } from './bench-env.js';
import type { BenchReport } from './report.js';
import { buildScaleData } from './scale-data.js';

const SESSIONS = Number(process.env.FLOWTRAIL_REPORT_BENCH_SESSIONS ?? 100_000);
const ROUNDS = Number(process.env.FLOWTRAIL_REPORT_BENCH_ROUNDS ?? 5);
const DAY_MS = 86_400_000;
const ORIGIN = 'flowtrail/bench-reports';
const TARGET_MS = 30_000;

/** The leaf hashes in log order folded into the tree's frontier, saved as the log's state (what appending them one by one leaves). */
async function saveFrontier(sql: Pool): Promise<void> {
  let frontier: Frontier = [];
  let size = 0;
  for await (const rows of sql<{ leafHash: Buffer }[]>`select leaf_hash from audit_events order by seq`.cursor(50_000)) {
    for (const r of rows) frontier = appendLeaf(frontier, size++, r.leafHash);
  }
  await sql`update log_state set size = ${size}, frontier = ${Buffer.concat([...frontier])} where id = 1`;
}

/** The leaf hashes below the tree size, read as buildPack reads them for its proofs. */
async function readLeafHashes(sql: Pool, treeSize: number): Promise<Buffer[]> {
  const hashes: Buffer[] = [];
  for await (const batch of leafBatches(sql, 50_000)) {
    for (const r of batch) if (r.seq < treeSize) hashes.push(r.leafHash);
    if (hashes.length >= treeSize) break;
  }
  return hashes;
}

export async function run(): Promise<BenchReport[]> {
  const config = loadConfig({});
  // The newest session starts five minutes before midnight, so that its events (4.5 minutes long) end in the period.
  const to = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const from = new Date(to.getTime() - 30 * DAY_MS);
  const url = await buildScaleData(SESSIONS, console.error, { database: 'flowtrail_reports', days: 30, end: new Date(to.getTime() - 5 * 60_000) });
  const sql = connect(url, 10);
  try {
    await saveFrontier(sql);
    const key = generateSigningKey(ORIGIN);
    const signer = createNoteSigner(key.privateKeyPem, ORIGIN);
    const integrator = createIntegrator({ sql, signer, origin: ORIGIN, checkpointEvents: config.integrity.checkpointEvents, checkpointIntervalMs: 60_000 });
    const treeSize = await integrator.checkpoint(true);
    const deps: ReportDeps = reportDepsFrom({
      sql, origin: ORIGIN, verifiers: [parseVerifierKey(signer.verifierKey)], retentionDays: config.retention.days, chromiumPath: config.reports.chromiumPath, integrator,
    });
    const produce = (format: ReportFormat) => produceReport(deps, { framework: 'soc2', from, to, format, actor: { id: 'bench', role: 'admin', username: null }, channel: 'api' });
    const median = (fn: () => Promise<unknown>, rounds = ROUNDS) => medianMs(rounds, fn);

    const base = await median(() => sql`select count(*) from audit_events where occurred_at >= ${from} and occurred_at < ${to}`);
    const first = await produce('html');
    const { started } = first.pack.figures.sessions;
    const events = first.pack.figures.events.total;
    const checkpoint = (await checkpointCovering(sql, from, to))!;
    const input = { framework: 'soc2' as const, from, to, checkpoint, origin: ORIGIN, verifiers: deps.verifiers, retentionDays: deps.retentionDays };
    const hasChromium = await access(config.reports.chromiumPath, constants.X_OK).then(() => true, () => false);
    const formats: ReportFormat[] = hasChromium ? ['html', 'oscal', 'pdf'] : ['html', 'oscal'];
    const byFormat: { format: ReportFormat; ms: number; bytes: number }[] = [];
    for (const format of formats) byFormat.push({ format, ms: await median(() => produce(format)), bytes: (await produce(format)).body.length });

    // The parts: the pack's reads and proofs, and each rendering of the same pack.
    const pack = await buildPack(sql, input);
    const html = renderHtml(pack);
    const hashes = await readLeafHashes(sql, checkpoint.treeSize);
    const seqs = pack.samples.flatMap((s) => s.events.map((e) => e.seq));
    const parts: [string, number][] = [
      ['buildPack: figures, samples and their proofs (all reads)', await median(() => buildPack(sql, input))],
      ['of which: every leaf of the log read for the proofs (leafBatches up to the tree size)', await median(() => readLeafHashes(sql, checkpoint.treeSize))],
      [`of which: the ${seqs.length} inclusion proofs from those hashes`, await median(async () => buildInclusionProofs(hashes, checkpoint.treeSize, seqs))],
      ['of which: the started sessions\' figures (authorization, initiator, agent)', await median(() => startedSessionFigures(sql, { from, to, treeSize: checkpoint.treeSize }))],
      ['renderHtml of the pack', await median(async () => renderHtml(pack))],
      ['renderOscal of the pack', await median(async () => renderOscal(pack))],
      ...(hasChromium ? [['renderPdf of the HTML (Chromium launched each time)', await median(() => renderPdf(html, deps.chromiumPath), 3)] as [string, number]] : []),
    ];
    const table = [
      `Pack of ${started.toLocaleString('en-US')} sessions started in the period, ${events.toLocaleString('en-US')} events, against a checkpoint of ${(treeSize ?? checkpoint.treeSize).toLocaleString('en-US')} leaves.`,
      '',
      '| format | ms median | bytes |', '| --- | --- | --- |', ...byFormat.map((f) => `| ${f.format} | ${f.ms.toFixed(0)} | ${f.bytes.toLocaleString('en-US')} |`),
      '',
      '| part of one pack | ms median |', '| --- | --- |', ...parts.map(([name, ms]) => `| ${name} | ${ms.toFixed(1)} |`),
    ].join('\n');
    return byFormat.map((f, i) => ({
      name: `evidence pack, SOC 2 over 30 days of ${started.toLocaleString('en-US')} sessions, ${f.format} (PostgreSQL)`, metric: 'ms median', value: f.ms,
      baseline: { name: 'count(*) of the period\'s events', value: base }, ratio: base / f.ms, target: `<= ${TARGET_MS / 1000} s`, pass: f.ms <= TARGET_MS,
      ...(i === 0 ? { table } : {}),
    }));
  } finally {
    await sql.end();
  }
}
