import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, found from here whether this runs compiled (dist/bench/chaos) or from source (bench/chaos, under vitest). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above bench/chaos');
    dir = up;
  }
  return dir;
}

/** The compiled CLI (npm run build). */
export const FLOWTRAIL_BIN = join(repoRoot(), 'dist', 'src', 'cli', 'bin.js');
export const FIXTURES = join(repoRoot(), 'test', 'fixtures');
