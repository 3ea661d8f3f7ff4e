import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { MEMORY, openDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A tarball of a migrated in-memory PGlite (PGlite's dumpDataDir), which every PGlite test file loads. */
    pgliteTemplate: string;
  }
}

// For the PGlite project only, as pg-global-setup.ts is for PostgreSQL: one
// migrated database whose data directory every test file starts from. An empty
// PGlite runs initdb when it is created, which takes several times as long as
// loading a dump.
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-pglite-template-'));
  const db = await openDatabase({ dataDir: MEMORY });
  try {
    await migrate(db.sql);
    const file = join(dir, 'pgdata.tar');
    writeFileSync(file, Buffer.from(await (await db.dumpDataDir!()).arrayBuffer()));
    project.provide('pgliteTemplate', file);
  } finally {
    await db.close();
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
