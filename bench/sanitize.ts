// Sanitizer throughput against secretlint on the same lines, in one run.
//
// Ours: createSanitizer().sanitizeText on every line of a ~6 MB corpus
// (agent prompts, code, logs, tool calls; a made-up secret or PII item in
// about one line of ten), median of three timed passes after one warm-up pass.
// Baseline: @secretlint/core lintSource with the recommended preset, one
// call per line as an embedding service would make, on a prefix of the same
// lines (secretlint is far slower, so its run is bounded to ~0.5 MB). Its
// always-on profiler is switched off first: secretlint 12's
// @secretlint/profiler has no setEnabled(), so its mark() is replaced by a
// no-op; left on, it keeps every mark and makes per-line linting quadratic.
//
// Then the redaction quality (runRedactionScores): recall per kind and false
// positives on bench/fixtures/redaction-corpus.ts, main and held-out template
// sets apart, for ours and secretlint on the same lines, and both
// throughputs on those lines.
//
// Then pathological input (runPathological): each 1 MB text of
// bench/fixtures/pathological-text.ts (runs of the characters that start a
// detector's pattern) against 1 MB of the ordinary corpus line by line, in the
// same run; the slowest of them should keep at least half the ordinary rate.
//
// Also sanitizeValue on event-shaped objects built from the same lines (schema
// field names, environment variable names, file paths and header names as
// keys), where object keys are scanned too: reported in the notes.

import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import { createSanitizer } from '../src/sanitize/index.js';
import { buildRedactionCorpus, type RedactionCorpus } from './fixtures/redaction-corpus.js';
import { PATHOLOGICAL_TEXTS } from './fixtures/pathological-text.js';
import { buildSanitizeCorpus } from './fixtures/sanitize-corpus.js';
import { scoreRedaction, type SetScore } from './redaction-score.js';
import { rateReport, type BenchReport } from './report.js';

const CORPUS_BYTES = 6_000_000;
const SECRETLINT_BYTES = 500_000;
const PASSES = 3;

export async function run(): Promise<BenchReport[]> {
  const corpus = buildSanitizeCorpus(CORPUS_BYTES);
  const ours = measureOurs(corpus.lines);
  const values = measureValues(corpus.lines);
  const profiler = await disableSecretlintProfiler();
  const prefix = takeBytes(corpus.lines, SECRETLINT_BYTES);
  const baseline = await measureSecretlint(prefix);
  const throughput = rateReport(
    'sanitize',
    'MB/s',
    round(ours.mbPerSecond),
    { name: 'secretlint 12 preset-recommend, lintSource per line', value: round(baseline.mbPerSecond) },
    10,
    [
      `corpus ${(corpus.bytes / 1e6).toFixed(2)} MB, ${corpus.lines.length} lines, ${corpus.secretLines} with a secret or PII item`,
      `ours: median of ${PASSES} passes over all lines (${ours.passes.map((p) => p.toFixed(1)).join(', ')} MB/s), ${ours.findings} findings per pass`,
      `sanitizeValue: ${values.objects} event-shaped objects, ${values.keys} keys, ${(values.bytes / 1e6).toFixed(2)} MB as JSON, median ${values.mbPerSecond.toFixed(1)} MB/s (${values.passes.map((p) => p.toFixed(1)).join(', ')})`,
      `secretlint: ${prefix.length} lines, ${(byteLength(prefix) / 1e6).toFixed(2)} MB prefix, ${baseline.messages} messages; profiler ${profiler}`,
      `node ${process.version}`,
    ].join('; '),
  );
  return [throughput, runPathological(corpus.lines), ...(await runRedactionScores())];
}

/** The slowest 1 MB pathological text (median of three passes each) against 1 MB of ordinary lines, line by line. */
export function runPathological(lines: readonly string[]): BenchReport {
  const sanitizer = createSanitizer({ key: randomBytes(32) });
  const secondsFor = (text: string): number => {
    sanitizer.sanitizeText(text);
    const passes: number[] = [];
    for (let p = 0; p < PASSES; p++) {
      const started = performance.now();
      sanitizer.sanitizeText(text);
      passes.push((performance.now() - started) / 1000);
    }
    return [...passes].sort((a, b) => a - b)[Math.floor(passes.length / 2)] ?? 0;
  };
  const timed = PATHOLOGICAL_TEXTS.map(([name, text]) => ({ name, mb: text.length / 1e6, seconds: secondsFor(text) }));
  const slowest = timed.reduce((a, b) => (b.seconds / b.mb > a.seconds / a.mb ? b : a));
  const value = round(slowest.mb / slowest.seconds);
  const baseline = round(measureLines(takeBytes(lines, 1_000_000), (line) => sanitizer.sanitizeText(line).text));
  return rateReport(
    'sanitizer on pathological input (slowest of 1 MB texts)',
    'MB/s',
    value,
    { name: 'the same sanitizer on 1 MB of the ordinary corpus, line by line', value: baseline },
    0.5,
    `slowest: ${slowest.name}; seconds for each 1 MB text (0.8 s was once a limit in a unit test): ${timed.map((t) => `${t.name} ${t.seconds.toFixed(3)}`).join(', ')}`,
  );
}

/**
 * Recall per kind and false positives on the redaction corpus, main and
 * held-out template sets apart, for ours and for secretlint on the same
 * lines; and both throughputs on those lines.
 */
export async function runRedactionScores(): Promise<BenchReport[]> {
  await disableSecretlintProfiler();
  const corpus = buildRedactionCorpus();
  const sanitizer = createSanitizer({ key: randomBytes(32), knownPeople: () => knownPeopleOf(corpus) });
  const ours = (line: string): string => sanitizer.sanitizeText(line).text;
  const lines = [...corpus.positives.map((p) => p.line), ...corpus.negatives.map((n) => n.line)];
  const linted = await secretlintRedactions(lines);
  const theirs = (line: string): string => linted.get(line) ?? line;
  const reports: BenchReport[] = [];
  const tables: string[] = [];
  for (const heldOut of [false, true]) {
    const set = heldOut ? 'held-out templates' : 'main templates';
    const a = scoreRedaction(corpus, ours, heldOut);
    const b = scoreRedaction(corpus, theirs, heldOut);
    reports.push(
      scoreReport(`redaction recall, secrets and personal data (${set})`, a.recallSecretsAndPersonal, b.recallSecretsAndPersonal, '>= 0.99', a.recallSecretsAndPersonal >= 0.99, `${a.positives - countNames(a)} lines`),
      scoreReport(`redaction recall, person names (${set})`, a.recallNames, b.recallNames, '>= 0.9', a.recallNames >= 0.9, `${countNames(a)} lines`),
      scoreReport(`redaction false positives, share of clean lines (${set})`, a.falsePositiveRate, b.falsePositiveRate, '<= 0.005', a.falsePositiveRate <= 0.005, `${a.clean} clean lines`),
    );
    tables.push(kindTable(set, a, b));
  }
  const speed = measureLines(lines, ours);
  const lintSpeed = await measureSecretlint(lines);
  const corpusThroughput = rateReport(
    'sanitizer on the redaction corpus',
    'MB/s',
    round(speed),
    { name: 'secretlint 12 preset-recommend, lintSource per line, same lines', value: round(lintSpeed.mbPerSecond) },
    10,
    `${lines.length} lines, ${(byteLength(lines) / 1e6).toFixed(2)} MB`,
  );
  corpusThroughput.table = tables.join('\n\n');
  return [...reports, corpusThroughput];
}

function countNames(s: SetScore): number {
  return s.kinds.filter((k) => k.category === 'name').reduce((a, k) => a + k.total, 0);
}

function knownPeopleOf(corpus: RedactionCorpus): string[] {
  return corpus.knownPeople.flatMap((p) => [p.name, p.username]);
}

function scoreReport(name: string, value: number, baseline: number, target: string, pass: boolean, notes: string): BenchReport {
  return { name, metric: 'share', value: round4(value), baseline: { name: 'secretlint, same lines', value: round4(baseline) }, ratio: baseline === 0 ? 0 : value / baseline, target, pass, notes };
}

function kindTable(set: string, a: SetScore, b: SetScore): string {
  const rows = [`Per kind, ${set}:`, '', '| kind | category | lines | recall | secretlint recall | a line that leaked |', '| --- | --- | --- | --- | --- | --- |'];
  for (const k of a.kinds) {
    const other = b.kinds.find((x) => x.kind === k.kind);
    rows.push(`| ${k.kind} | ${k.category} | ${k.total} | ${k.recall.toFixed(3)} | ${(other?.recall ?? 0).toFixed(3)} | ${escapeCell(k.leaked[0] ?? '')} |`);
  }
  rows.push('', '| look-alike kind | clean lines | with a redaction | secretlint | an example |', '| --- | --- | --- | --- | --- |');
  for (const n of a.negatives) {
    const other = b.negatives.find((x) => x.kind === n.kind);
    rows.push(`| ${n.kind} | ${n.total} | ${n.flagged} | ${other?.flagged ?? 0} | ${escapeCell(n.examples[0] ?? '')} |`);
  }
  return rows.join('\n');
}

function escapeCell(s: string): string {
  const cut = s.length > 110 ? `${s.slice(0, 107)}...` : s;
  return cut.replace(/\|/g, '\\|').replace(/`/g, "'");
}

function measureLines(lines: readonly string[], redact: (line: string) => string): number {
  const bytes = byteLength(lines);
  for (const line of lines) redact(line);
  const passes: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const started = performance.now();
    for (const line of lines) redact(line);
    passes.push(bytes / 1e6 / ((performance.now() - started) / 1000));
  }
  return [...passes].sort((x, y) => x - y)[Math.floor(passes.length / 2)] ?? 0;
}

/** secretlint's messages applied to each line as `[REDACTED]`, so both are scored by the same rule. */
async function secretlintRedactions(lines: readonly string[]): Promise<Map<string, string>> {
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }] };
  const out = new Map<string, string>();
  for (const line of lines) {
    const result = await lintSource({ source: { content: line, filePath: 'line.txt', contentType: 'text' }, options: { config } });
    const ranges = result.messages.map((m) => m.range).sort((x, y) => y[0] - x[0]);
    let text = line;
    for (const [start, end] of ranges) text = `${text.slice(0, start)}[REDACTED]${text.slice(end)}`;
    out.set(line, text);
  }
  return out;
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}

function measureOurs(lines: readonly string[]): { mbPerSecond: number; passes: number[]; findings: number } {
  const sanitizer = createSanitizer({ key: randomBytes(32) });
  const bytes = byteLength(lines);
  for (const line of lines) sanitizer.sanitizeText(line);
  const passes: number[] = [];
  let findings = 0;
  for (let p = 0; p < PASSES; p++) {
    findings = 0;
    const started = performance.now();
    for (const line of lines) findings += sanitizer.sanitizeText(line).findings.length;
    passes.push(bytes / 1e6 / ((performance.now() - started) / 1000));
  }
  const sorted = [...passes].sort((a, b) => a - b);
  return { mbPerSecond: sorted[Math.floor(sorted.length / 2)] ?? 0, passes, findings };
}

const ENV_NAMES = ['NODE_ENV', 'DATABASE_URL', 'CI_PROJECT_PATH', 'HOME', 'PATH', 'GITLAB_CI', 'LANG', 'RUNNER_ARCH'];
const HEADER_NAMES = ['content-type', 'user-agent', 'x-request-id', 'accept', 'x-gitlab-event'];

/** Event data as the flow API receives it: eight corpus lines per object, under realistic keys. */
function buildValues(lines: readonly string[]): { values: unknown[]; bytes: number; keys: number } {
  const values: unknown[] = [];
  let bytes = 0;
  let keys = 0;
  for (let i = 0; i + 8 <= lines.length; i += 8) {
    const l = (k: number): string => lines[i + k] ?? '';
    const env = Object.fromEntries(ENV_NAMES.slice(0, 2 + (i % 6)).map((n, k) => [n, k === 0 ? l(0).slice(0, 40) : 'x']));
    const files = { [`src/module_${i % 97}/file-${i % 13}.ts`]: l(1), [`test/case_${i % 31}.test.ts`]: l(2) };
    const value = {
      input_context: { goal: l(3), env, files, headers: Object.fromEntries(HEADER_NAMES.map((h) => [h, 'v'])) },
      tool_name: 'run_command',
      tool_args: { command: l(4), cwd: '/workspace', timeout_ms: 30000 },
      plan_steps: [l(5), l(6)],
      decision: { summary: l(7), confidence: 0.8, accepted: true },
    };
    keys += 17 + Object.keys(env).length + 2 + HEADER_NAMES.length;
    bytes += Buffer.byteLength(JSON.stringify(value));
    values.push(value);
  }
  return { values, bytes, keys };
}

function measureValues(lines: readonly string[]): { mbPerSecond: number; passes: number[]; objects: number; keys: number; bytes: number } {
  const sanitizer = createSanitizer({ key: randomBytes(32) });
  const { values, bytes, keys } = buildValues(lines);
  for (const v of values) sanitizer.sanitizeValue(v);
  const passes: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    const started = performance.now();
    for (const v of values) sanitizer.sanitizeValue(v);
    passes.push(bytes / 1e6 / ((performance.now() - started) / 1000));
  }
  const sorted = [...passes].sort((a, b) => a - b);
  return { mbPerSecond: sorted[Math.floor(sorted.length / 2)] ?? 0, passes, objects: values.length, keys, bytes };
}

async function measureSecretlint(lines: readonly string[]): Promise<{ mbPerSecond: number; messages: number }> {
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommendedPreset }] };
  const lint = (content: string): ReturnType<typeof lintSource> =>
    lintSource({ source: { content, filePath: 'line.txt', contentType: 'text' }, options: { config } });
  for (const line of lines.slice(0, 200)) await lint(line);
  let messages = 0;
  const started = performance.now();
  for (const line of lines) messages += (await lint(line)).messages.length;
  const seconds = (performance.now() - started) / 1000;
  return { mbPerSecond: byteLength(lines) / 1e6 / seconds, messages };
}

/** secretlint 12 marks every rule run with performance.mark and never clears them. */
async function disableSecretlintProfiler(): Promise<string> {
  const { secretLintProfiler } = await import('@secretlint/profiler');
  secretLintProfiler.mark = () => undefined;
  return 'disabled (mark replaced by a no-op)';
}

function takeBytes(lines: readonly string[], limit: number): string[] {
  const taken: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (bytes >= limit) break;
    taken.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  return taken;
}

function byteLength(lines: readonly string[]): number {
  let bytes = 0;
  for (const line of lines) bytes += Buffer.byteLength(line) + 1;
  return bytes;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
