import { open, readFile, unlink } from 'node:fs/promises';
import { AppError } from '../errors.js';

export interface DirLock {
  release(): Promise<void>;
}

/**
 * PGlite admits one process per data directory. The lock file holds the pid of
 * its owner; a lock left by a process that no longer runs is taken over.
 */
export async function acquireDirLock(path: string): Promise<DirLock> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => unlink(path).catch(() => undefined) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new AppError('unavailable', `the embedded database is in use by process ${owner}`);
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new AppError('unavailable', `could not lock ${path}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
