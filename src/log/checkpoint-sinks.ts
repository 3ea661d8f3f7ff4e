import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';

/**
 * Copies a signed checkpoint outside the database (AU-9(2)): a file per tree
 * size in FLOWTRAIL_CHECKPOINT_DIR, and a POST of the note to
 * FLOWTRAIL_CHECKPOINT_URL. Existing files are never overwritten.
 */
export async function writeCheckpointToSinks(config: Config, note: string, treeSize: number, fetchFn: typeof fetch = fetch): Promise<void> {
  const { sinkDir, sinkUrl } = config.integrity;
  if (sinkDir !== undefined) {
    await mkdir(sinkDir, { recursive: true });
    await writeFile(join(sinkDir, `${String(treeSize).padStart(12, '0')}.checkpoint`), note, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  if (sinkUrl !== undefined) {
    const res = await fetchFn(sinkUrl, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8', 'x-flowtrail-tree-size': String(treeSize) }, body: note, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`checkpoint sink answered ${res.status}`);
  }
}
