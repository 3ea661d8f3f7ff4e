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
// Also sanitizeValue on event-shaped objects built from the same lines (schema
// field names, environment variable names, file paths and header names as
// keys), where object keys are scanned too: reported in the notes.

import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import { createSanitizer } from '../src/sanitize/index.js';
import { buildSanitizeCorpus } from './fixtures/sanitize-corpus.js';
import { rateReport, type BenchReport } from './report.js';

const CORPUS_BYTES = 6_000_000;
const SECRETLINT_BYTES = 500_000;
const PASSES = 3;

export async function run(): Promise<BenchReport> {
  const corpus = buildSanitizeCorpus(CORPUS_BYTES);
  const ours = measureOurs(corpus.lines);
  const values = measureValues(corpus.lines);
  const profiler = await disableSecretlintProfiler();
  const prefix = takeBytes(corpus.lines, SECRETLINT_BYTES);
  const baseline = await measureSecretlint(prefix);
  return rateReport(
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
