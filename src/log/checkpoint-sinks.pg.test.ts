import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from '../../test/support/msw.js';
import { useTestApp } from '../../test/support/app.js';
import { at, startedEvent } from '../../test/support/flow-events.js';
import { loadKeys } from '../load-keys.js';
import { openLog } from './open-log.js';
import { writeCheckpointToSinks } from './checkpoint-sinks.js';

const dir = mkdtempSync(join(tmpdir(), 'flowtrail-sink-'));

describe('external checkpoint sinks', () => {
  const t = useTestApp({ FLOWTRAIL_CHECKPOINT_DIR: dir, FLOWTRAIL_CHECKPOINT_URL: 'https://witness.test/checkpoints' });

  it('receive every checkpoint the log signs, in a file per tree size and as a POST', async () => {
    const received: { body: string; size: string | null }[] = [];
    server.use(http.post('https://witness.test/checkpoints', async ({ request }) => {
      received.push({ body: await request.text(), size: request.headers.get('x-flowtrail-tree-size') });
      return new HttpResponse(null, { status: 204 });
    }));
    const failures: number[] = [];
    const log = await openLog(t.deps.config, t.deps.sql, await loadKeys(t.deps.config), { onSinkFailure: () => failures.push(1) });
    await t.ingest(startedEvent('sink', at(0)));
    const size = await log.integrator.checkpoint();
    const [cp] = await t.deps.sql`select tree_size, note from checkpoints order by tree_size desc limit 1`;
    expect(size).toBe(cp!.treeSize);
    const files = readdirSync(dir);
    expect(files).toEqual([`${String(cp!.treeSize).padStart(12, '0')}.checkpoint`]);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toBe(cp!.note);
    expect(received).toEqual([{ body: cp!.note as string, size: String(cp!.treeSize) }]);
    expect(failures).toEqual([]);
    // A later copy for the same size never overwrites the first.
    await writeCheckpointToSinks(t.deps.config, 'forged', cp!.treeSize as number);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toBe(cp!.note);
  });

  it('reports a sink that answers with an error', async () => {
    server.use(http.post('https://witness.test/checkpoints', () => HttpResponse.json({ message: 'no' }, { status: 503 })));
    await expect(writeCheckpointToSinks(t.deps.config, 'note', 99)).rejects.toThrow(/answered 503/);
  });
});
