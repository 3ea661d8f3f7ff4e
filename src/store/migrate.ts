import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Pool } from './database.js';
import { AppError } from '../errors.js';

// Any constant works as long as nothing else in the database uses it.
export const MIGRATION_LOCK = 7_426_001;


interface MigrationFile {
  id: number;
  name: string;
  path: string;
}

export async function listMigrations(dir = resolveMigrationsDir()): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  return files.map((f, i) => {
    const id = Number(f.slice(0, 4));
    if (id !== i + 1) throw new AppError('invalid', `migration numbering gap: expected ${String(i + 1).padStart(4, '0')}, found ${f}`);
    return { id, name: f.slice(5, -4), path: join(dir, f) };
  });
}

/** Applies pending migrations in one transaction under an advisory lock (postgres-shift, graphile/worker). */
export async function migrate(sql: Pool, dir = resolveMigrationsDir()): Promise<number[]> {
  const files = await listMigrations(dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists schema_migrations (
      id int primary key, name text not null, applied_at timestamptz not null default now())`;
    const rows = await tx<{ id: number }[]>`select id from schema_migrations order by id`;
    const known = new Set(files.map((f) => f.id));
    const unknown = rows.filter((r) => !known.has(r.id));
    if (unknown.length > 0) {
      throw new AppError('conflict', `the database has migration ${unknown[0]!.id}, which this version of flowtrail does not know`);
    }
    const applied = new Set(rows.map((r) => r.id));
    const done: number[] = [];
    for (const f of files) {
      if (applied.has(f.id)) continue;
      await tx.file(f.path);
      await tx`insert into schema_migrations (id, name) values (${f.id}, ${f.name})`;
      done.push(f.id);
    }
    return done;
  });
}

/** Migrations this version has that the database has not applied (read-only: what the service's role may ask). */
export async function pendingMigrations(sql: Pool, dir = resolveMigrationsDir()): Promise<number[]> {
  const files = await listMigrations(dir);
  const [exists] = await sql<{ t: string | null }[]>`select to_regclass('schema_migrations')::text as t`;
  if (exists?.t === null || exists === undefined) return files.map((f) => f.id);
  const applied = new Set((await sql<{ id: number }[]>`select id from schema_migrations`).map((r) => r.id));
  return files.filter((f) => !applied.has(f.id)).map((f) => f.id);
}

function resolveMigrationsDir(): string {
  // Works from src/ (vitest) and from dist/src/ (compiled): migrations/ sits at the package root.
  const here = fileURLToPath(import.meta.url);
  const root = here.includes('/dist/src/') ? here.slice(0, here.indexOf('/dist/src/')) : here.slice(0, here.indexOf('/src/'));
  return join(root, 'migrations');
}
