// How soon `flowtrail serve` on PGlite answers /-/readiness: cold (a new data
// directory: initdb, migrations, keys) and warm (the same directory again).
// Baseline: a bare Hono server on @hono/node-server started the same way.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './bench-env.js';
import type { BenchReport } from './report.js';

const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
const bare = `
import { Hono } from 'hono'; import { serve } from '@hono/node-server';
const app = new Hono(); app.get('/-/readiness', (c) => c.json({ status: 'ok' }));
const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (i) => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + i.port })));
process.on('SIGTERM', () => s.close(() => process.exit(0)));`;

/** Milliseconds from spawn until /-/readiness answers 200. */
async function timeToReady(args: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /"url":"(http:[^"]+)"/.exec(buf);
        if (m !== null) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    for (;;) {
      const res = await fetch(`${url}/-/readiness`).catch(() => null);
      if (res?.status === 200) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function run(): Promise<BenchReport[]> {
  const env = { FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'info' };
  const baseline = median(await Promise.all([0, 1, 2].map(() => timeToReady(['--input-type=module', '-e', bare], {}))));
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'flowtrail-ready-'));
    cold.push(await timeToReady([bin, 'serve'], { ...env, FLOWTRAIL_DATA_DIR: dir }));
    warm.push(await timeToReady([bin, 'serve'], { ...env, FLOWTRAIL_DATA_DIR: dir }));
  }
  const report = (name: string, ms: number, limit: number): BenchReport => ({
    name, metric: 'ms to /-/readiness', value: ms, baseline: { name: 'bare Hono server, same spawn', value: baseline },
    ratio: baseline / ms, target: `<= ${limit} ms`, pass: ms <= limit, notes: 'median of 3 runs',
  });
  return [report('serve on PGlite, cold (new data directory)', median(cold), 5000), report('serve on PGlite, warm', median(warm), 1500)];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
