import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import type { Database } from '../../src/store/index.js';
import { createTestDatabase, target } from '../support/pg.js';

const bin = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));
/** Runs a process to its end without blocking the test worker (spawnSync would hold vitest's own messages). */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('progress of long CLI commands on a terminal', { timeout: 120_000 }, () => {
  let env: Record<string, string>;
  let db: (Database & { url?: string }) | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-progress-'));

  beforeAll(async () => {
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      FLOWTRAIL_DATA_DIR: join(dir, 'data'),
      FLOWTRAIL_LOG_LEVEL: 'silent',
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/progress-test').privateKeyPem,
      FLOWTRAIL_LOG_ORIGIN: 'flowtrail/progress-test',
    };
    if (target === 'postgres') {
      db = await createTestDatabase();
      env.FLOWTRAIL_DATABASE_URL = db.url!;
    }
    // Something in the log: each token created is an audited event.
    for (let i = 0; i < 3; i++) expect((await run(process.execPath, [bin, 'token', 'create', '--role', 'auditor'], env)).status).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  /** Under a real pseudo-terminal (util-linux script): stdout and stderr are the terminal. */
  const onTerminal = (...argv: string[]) => run('script', ['-qec', [process.execPath, bin, ...argv].map(quote).join(' '), '/dev/null'], env);
  /** Piped, as a script or a CI job runs it. */
  const piped = (...argv: string[]) => run(process.execPath, [bin, ...argv], env);

  it('verify draws "verified N of N events" on a terminal, and prints nothing of it when piped', async () => {
    const tty = await onTerminal('verify');
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/\rverified (\d+) of \1 events \(\d+ s\)\x1b\[K\r?\n/);
    expect(tty.stdout).toMatch(/events .*: valid/);
    const p = await piped('verify');
    expect(p.status).toBe(0);
    expect(p.stderr).toBe('');
    expect(p.stdout).not.toMatch(/verified|\r|\x1b/);
    expect(p.stdout).toMatch(/: valid\n$/);
  });

  it('export to a file counts what it wrote on a terminal; piped, stderr says only what it always says', async () => {
    const out = join(dir, 'export.ndjson');
    const tty = await onTerminal('export', '--format', 'ndjson', '--out', out);
    expect(tty.status).toBe(0);
    const size = readFileSync(out).length;
    expect(size).toBeGreaterThan(0);
    expect(tty.stdout).toMatch(new RegExp(`\\rexported ${size < 1024 ? `${size} bytes` : '[\\d.]+ KB'} \\(\\d+ s\\)\\x1b\\[K`));
    const p = await piped('export', '--format', 'ndjson', '--out', join(dir, 'export2.ndjson'));
    expect(p.status).toBe(0);
    expect(p.stderr).toBe('');
    // Straight to a terminal, the export is the output: no progress line mixed into it.
    const shown = await onTerminal('export', '--format', 'ndjson');
    expect(shown.status).toBe(0);
    expect(shown.stdout).not.toMatch(/exported/);
    expect(shown.stdout).toMatch(/"type":"api_token_created"/);
  });

  it('retention shows the time the purge takes on a terminal, and nothing of it when piped', async () => {
    const tty = await onTerminal('retention', 'run');
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/\rpurging sessions past their retention period \(\d+ s\)\x1b\[K\r?\npurged 0 sessions/);
    const p = await piped('retention', 'run');
    expect(p.status).toBe(0);
    expect(p.stderr).toBe('');
    expect(p.stdout).toMatch(/^purged 0 sessions/);
  });

  it('redraws one line at most every 100 ms and ends it with a newline; nothing at all when not a terminal', () => {
    let t = 0;
    const written: string[] = [];
    const p = createProgress((done, total) => `verified ${done} of ${total}`, { isTTY: true, write: (s) => written.push(s) > 0 }, () => t);
    for (let i = 1; i <= 1000; i++) {
      t += 1;
      p.update(i, 1000);
    }
    p.end();
    expect(written[0]).toBe('\rverified 0 of undefined\x1b[K');
    expect(written.length).toBe(1 + 10 + 1 + 1);
    expect(written.at(-2)).toBe('\rverified 1000 of 1000\x1b[K');
    expect(written.at(-1)).toBe('\n');
    const quiet: string[] = [];
    const q = createProgress(() => 'x', { isTTY: false, write: (s) => quiet.push(s) > 0 });
    q.update(5, 10);
    q.end();
    expect(quiet).toEqual([]);
  });
});
