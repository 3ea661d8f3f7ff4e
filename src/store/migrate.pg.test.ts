import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestDb } from '../../test/support/pg.js';
import { listMigrations, migrate } from './migrate.js';

describe('migrate', () => {
  const t = useTestDb();

  it('applies nothing the second time', async () => {
    expect(await migrate(t.sql)).toEqual([]);
    const rows = await t.sql<{ id: number }[]>`select id from schema_migrations order by id`;
    expect(rows.map((r) => r.id)).toEqual((await listMigrations()).map((m) => m.id));
  });

  it('refuses a numbering gap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ft-mig-'));
    await writeFile(join(dir, '0001_a.sql'), 'select 1;');
    await writeFile(join(dir, '0003_c.sql'), 'select 1;');
    await expect(listMigrations(dir)).rejects.toThrow(/numbering gap/);
  });

  it('refuses a database that has a migration the code does not know', async () => {
    await t.sql`insert into schema_migrations (id, name) values (999, 'future')`;
    await expect(migrate(t.sql)).rejects.toThrow(/migration 999/);
    await t.sql`delete from schema_migrations where id = 999`;
  });

  it('refuses updates and deletes of audit rows', async () => {
    await t.sql`insert into audit_events (seq, event_id, type, occurred_at, recorded_at, source, leaf, leaf_hash)
      values (0, gen_random_uuid(), 'x', now(), now(), 'system', '{}', '\\x00')`;
    await expect(t.sql`update audit_events set type = 'y'`).rejects.toThrow(/append-only/);
    await expect(t.sql`delete from audit_events`).rejects.toThrow(/append-only/);
    await expect(t.sql`truncate audit_events`).rejects.toThrow(/append-only/);
  });
});
