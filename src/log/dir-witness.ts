import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { checkpointFileName, type Witness, type WitnessedCheckpoint } from './checkpoint-witness.js';

/** A directory witness: one file per tree size, `<12-digit size>.checkpoint`, never overwritten. */
export function createDirWitness(dir: string): Witness {
  return {
    name: `dir:${dir}`,
    async deliver(checkpoints) {
      await writeCheckpointFiles(dir, checkpoints);
    },
  };
}

/**
 * Writes each checkpoint's file unless it is there already. Each file appears whole (written
 * aside, then hard-linked into place, which fails rather than replace a file). A file that
 * holds another note for the same tree size is a fork, or another log writing here: refused.
 * Returns the names of the files written.
 */
export async function writeCheckpointFiles(dir: string, checkpoints: readonly WitnessedCheckpoint[]): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const cp of checkpoints) {
    const name = checkpointFileName(cp.treeSize);
    const path = join(dir, name);
    const aside = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(aside, cp.note, { flag: 'wx', mode: 0o644 });
    try {
      await link(aside, path);
      written.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = await readFile(path, 'utf8');
      if (held !== cp.note) throw new Error(`${name} already holds a different checkpoint for tree size ${cp.treeSize} (a fork, or another log writing to the same place)`);
    } finally {
      await unlink(aside);
    }
  }
  return written;
}
