import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { listen } from '../support/listen.js';

const run = promisify(execFile);

/** The scripted input exactly as docs/siem.md prints it. */
function documentedScript(): string {
  const doc = readFileSync(new URL('../../docs/siem.md', import.meta.url), 'utf8');
  const m = /```js\n(\/\/ flowtrail-pull\.mjs[\s\S]*?)```/.exec(doc);
  if (m === null) throw new Error('docs/siem.md lacks the flowtrail-pull.mjs example');
  return m[1]!;
}

describe('the incremental pull documented in docs/siem.md', () => {
  const t = useTestApp();

  it('prints every event once, in seq order, across pages and runs, resuming from its checkpoint', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowtrail-pull-'));
    const script = join(dir, 'flowtrail-pull.mjs');
    writeFileSync(script, documentedScript());
    const server = await listen(t.app);
    try {
      const auditor = await t.token('auditor');
      const env = { PATH: process.env.PATH ?? '', FLOWTRAIL_URL: server.url, FLOWTRAIL_TOKEN: auditor, CHECKPOINT_FILE: join(dir, 'checkpoint.json') };
      const pull = async () => (await run(process.execPath, [script], { env })).stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { seq: number; event_id: string });
      const sessions = (from: number, n: number) => Array.from({ length: n }, (_, i) => [
        startedEvent(`s-${from + i}`, at((from + i) % 60)), flowEvent('duo_flow_completed', `s-${from + i}`, at((from + i) % 60, 30)),
      ]).flat();
      expect((await t.ingest(sessions(0, 80))).status).toBe(202);
      const log = async () => (await t.deps.sql<{ seq: number; eventId: string }[]>`select seq, event_id::text from audit_events order by seq`);

      const first = await pull();
      const before = await log();
      expect(before.length).toBeGreaterThan(150);
      expect(first.map((e) => e.seq)).toEqual(before.map((e) => e.seq));
      expect(first.map((e) => e.event_id)).toEqual(before.map((e) => e.eventId));
      expect(JSON.parse(readFileSync(env.CHECKPOINT_FILE, 'utf8'))).toEqual({ after_seq: before[before.length - 1]!.seq });

      expect(await pull()).toEqual([]);
      expect((await t.ingest(sessions(100, 30))).status).toBe(202);
      const second = await pull();
      const after = await log();
      expect(second.map((e) => e.seq)).toEqual(after.slice(before.length).map((e) => e.seq));
    } finally {
      await server.close();
    }
  });
});
