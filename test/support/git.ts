import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI, as an installed flowtrail runs it (npm test builds first). */
export const FLOWTRAIL_BIN = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean environment for real git: no user or system configuration leaks in. */
export function gitEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Dana Whitfield',
    GIT_AUTHOR_EMAIL: 'dwhitfield@acme.test',
    GIT_COMMITTER_NAME: 'Dana Whitfield',
    GIT_COMMITTER_EMAIL: 'dwhitfield@acme.test',
    ...extra,
  };
}

export function run(file: string, args: string[], opts: { cwd?: string; env: Record<string, string>; input?: string }): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd: opts.cwd, env: opts.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/** A bare repository (the "server"), a clone of it (the pusher) and a HOME, in a fresh temp directory. */
export async function makeRepos(objectFormat: 'sha1' | 'sha256' = 'sha1'): Promise<{ root: string; bare: string; clone: string; home: string }> {
  const root = mkdtempSync(join(tmpdir(), 'flowtrail-git-'));
  const home = join(root, 'home');
  const env = gitEnv(home);
  const bare = join(root, 'server.git');
  const clone = join(root, 'clone');
  await mustRun('git', ['init', '-q', '--bare', `--object-format=${objectFormat}`, '-b', 'main', bare], { env });
  await mustRun('git', ['init', '-q', `--object-format=${objectFormat}`, '-b', 'main', clone], { env });
  await mustRun('git', ['remote', 'add', 'origin', bare], { cwd: clone, env });
  return { root, bare, clone, home };
}

export async function mustRun(file: string, args: string[], opts: { cwd?: string; env: Record<string, string>; input?: string }): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

let counter = 0;
/** Commits a new file with this author, message and committer date; returns the commit id. */
export async function commit(clone: string, env: Record<string, string>, c: { message: string; author?: string; date?: string }): Promise<string> {
  counter += 1;
  writeFileSync(join(clone, `file-${counter}.txt`), `change ${counter}\n`);
  await mustRun('git', ['add', '.'], { cwd: clone, env });
  const date = c.date ?? new Date().toISOString();
  const args = ['commit', '-q', '-m', c.message, ...(c.author === undefined ? [] : ['--author', c.author])];
  await mustRun('git', args, { cwd: clone, env: { ...env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date } });
  return (await mustRun('git', ['rev-parse', 'HEAD'], { cwd: clone, env })).trim();
}

export function writeHook(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o755 });
}
