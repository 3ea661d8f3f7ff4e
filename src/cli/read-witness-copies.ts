import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WitnessCopy } from '../audit/index.js';
import { UsageError } from './cli-error.js';

const FILE = /^\d+\.checkpoint$/;

/** The checkpoint files of a witness: a directory of `<size>.checkpoint` files, or `git:REPO` (cloned into a temporary directory). */
export async function readWitnessCopies(against: string): Promise<WitnessCopy[]> {
  if (!against.startsWith('git:')) return readDirectory(against);
  const dir = await mkdtemp(join(tmpdir(), 'flowtrail-witness-'));
  try {
    await new Promise<void>((done, fail) => {
      execFile('git', ['clone', '--quiet', '--depth', '1', '--branch', 'main', against.slice(4), join(dir, 'copy')], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, timeout: 120_000 }, (err, _out, stderr) =>
        err === null ? done() : fail(new UsageError(`cannot clone the git witness ${against}: ${stderr.trim().split('\n').pop() ?? err.message}`)));
    });
    return await readDirectory(join(dir, 'copy'), against);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readDirectory(dir: string, shown = dir): Promise<WitnessCopy[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => FILE.test(n)).sort();
  } catch (err) {
    throw new UsageError(`cannot read the witness directory ${shown}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (names.length === 0) throw new UsageError(`${shown} holds no <tree size>.checkpoint files`);
  return Promise.all(names.map(async (file) => ({ file, note: await readFile(join(dir, file), 'utf8') })));
}
