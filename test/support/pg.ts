import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { connect, MEMORY, openDatabase, type Database, type Pool } from '../../src/store/database.js';
import { TEMPLATE_DB, withDatabase } from './pg-global-setup.js';

export type TestTarget = 'pglite' | 'postgres';

export const target: TestTarget = process.env.FLOWTRAIL_TEST_TARGET === 'postgres' ? 'postgres' : 'pglite';

/** A fresh migrated database for one test file: a clone of the template on PostgreSQL, an in-memory PGlite loaded from the template's dump otherwise. */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  if (target === 'pglite') {
    return openDatabase({ dataDir: MEMORY, loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
  }
  const base = process.env.FLOWTRAIL_TEST_DATABASE_URL!;
  const name = `flowtrail_test_${randomBytes(6).toString('hex')}`;
  const admin = connect(base, 1);
  await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
  await admin.end();
  const url = withDatabase(base, name);
  const db = await openDatabase({ url, dataDir: MEMORY, max: 4 });
  return {
    ...db,
    url,
    close: async () => {
      await db.close();
      const a = connect(base, 1);
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Empties every table but schema_migrations, resetting the log (the append-only triggers allow it under flowtrail.purge). */
export async function resetDatabase(sql: Pool): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local flowtrail.purge = 'on'`;
    const tables = await tx<{ tablename: string }[]>`
      select tablename from pg_tables where schemaname = 'public' and tablename <> 'schema_migrations'`;
    await tx.unsafe(`truncate ${tables.map((t) => `"${t.tablename}"`).join(', ')} restart identity`);
    await tx`insert into log_state (id, size, frontier) values (1, 0, '\\x')`;
    await tx`insert into retention_policy (id, min_days) values (1, 1)`;
  });
}

/** Registers beforeAll/afterAll/beforeEach hooks and returns a handle whose `sql` is set once the database is up. */
export function useTestDb(): { readonly sql: Pool; readonly db: Database } {
  let db: (Database & { url?: string }) | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await resetDatabase(db!.sql);
  });
  return {
    get sql(): Pool {
      return db!.sql;
    },
    get db() {
      return db!;
    },
  };
}
