// Where the time of batched ingest goes, per 1,000 events, beside the raw
// batched INSERT of rows of the same size (in-process, PGlite in a temp dir).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateFlowEvent } from '../src/ingest/index.js';
import { createLogWriter } from '../src/log/index.js';
import { createSanitizer, sanitizeEvent } from '../src/sanitize/index.js';
import { insertAuditRows, migrate, openDatabase } from '../src/store/index.js';
import { benchEvent, median } from './bench-env.js';

export async function breakdown(): Promise<Record<string, number>> {
  const db = await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'flowtrail-breakdown-')) });
  try {
    await migrate(db.sql);
    await db.sql`create table raw_b (id bigserial primary key, body text not null)`;
    const sanitizer = createSanitizer({ key: Buffer.alloc(32, 1) });
    const out: Record<string, number[]> = { parse: [], validate: [], sanitize: [], 'leaves (canonical JSON, commitments, SHA-256, frontier)': [], 'INSERT into audit_events': [], 'raw batched INSERT (baseline)': [] };
    let state = { size: 0, frontier: [] as Buffer[], checkpointSize: null };
    for (let r = 0; r < 7; r++) {
      const body = JSON.stringify(Array.from({ length: 1000 }, (_, i) => benchEvent(i, 'b', new Date(Date.now() - 1e6 + i).toISOString())));
      let t = performance.now();
      const items = JSON.parse(body) as unknown[];
      out.parse!.push(performance.now() - t);
      t = performance.now();
      const valid = items.map((x) => validateFlowEvent(x)).flatMap((v) => (v.ok ? [v.event] : []));
      out.validate!.push(performance.now() - t);
      t = performance.now();
      const clean = valid.map((e) => sanitizeEvent(sanitizer, e));
      out.sanitize!.push(performance.now() - t);
      t = performance.now();
      const w = createLogWriter(state, new Date().toISOString());
      for (const e of clean) w.append(e);
      const rows = w.take();
      out['leaves (canonical JSON, commitments, SHA-256, frontier)']!.push(performance.now() - t);
      t = performance.now();
      await db.sql.begin((tx) => insertAuditRows(tx, rows));
      out['INSERT into audit_events']!.push(performance.now() - t);
      state = { size: w.size, frontier: w.frontier, checkpointSize: null };
      const raw = items.map((x) => ({ body: JSON.stringify(x) }));
      t = performance.now();
      await db.sql`insert into raw_b ${db.sql(raw, 'body')}`;
      out['raw batched INSERT (baseline)']!.push(performance.now() - t);
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, median(v.slice(2))]));
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  breakdown().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${v.toFixed(1).padStart(7)} ms  ${k}`);
  }, (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
