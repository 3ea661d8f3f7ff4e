import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../src/audit/index.js';
import { createApiToken } from '../../src/auth/index.js';
import { migrateCommand } from '../../src/cli/migrate-command.js';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/app.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import { startService } from '../../src/service.js';
import { connect, type Pool } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { withDatabase } from '../support/pg-global-setup.js';
import { target } from '../support/pg.js';

// scripts/partition-audit-events.sql, the documented procedure that turns the
// log into a table partitioned by seq (docs/scaling.md), run on a log in use.
const script = readFileSync(new URL('../../scripts/partition-audit-events.sql', import.meta.url), 'utf8');

/** Runs the procedure in one transaction, with `width` events per partition. */
const partition = (sql: Pool, width: number, ahead = 2) =>
  sql.begin(async (tx) => {
    await tx`select set_config('flowtrail.partition_rows', ${String(width)}, true), set_config('flowtrail.partitions_ahead', ${String(ahead)}, true)`;
    await tx.unsafe(script);
  });

const partitions = async (sql: Pool) =>
  (await sql<{ name: string; bound: string }[]>`
    select c.relnamespace::regnamespace::text || '.' || c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_events'::regclass order by c.relname`);

const decisions = (sessionId: string, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => flowEvent('duo_flow_decision_logged', sessionId, at(10 + Math.floor((from + i) / 60), (from + i) % 60), { step: from + i, decision: `decision ${from + i}`, rationale: 'because' }));

/** The SQLSTATE a statement fails with ('ok' if it succeeds). */
const attempt = async (sql: Pool, statements: string[]): Promise<string> => {
  try {
    await sql.begin(async (tx) => {
      for (const s of statements) await tx.unsafe(s);
    });
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
};

describe('partitioning the log by seq (scripts/partition-audit-events.sql)', () => {
  const t = useTestApp();

  it('converts a log in use without a copied row: verify passes before and after, appends cross partitions, the log stays append-only', async () => {
    expect((await t.ingest([startedEvent('p1', at(0)), ...decisions('p1', 0, 30)])).status).toBe(202);
    await t.deps.integrator.checkpoint(true);
    const before = await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test');
    expect(before.problems).toEqual([]);

    await partition(t.deps.sql, 25);
    expect((await t.deps.sql`select relkind from pg_class where oid = 'audit_events'::regclass`)[0]!.relkind).toBe('p');
    // 32 events: the old table holds [0, 50), two empty partitions follow.
    expect((await partitions(t.deps.sql)).map((p) => p.name)).toEqual(['flowtrail_log.audit_events_000000000000', 'flowtrail_log.audit_events_000000000050', 'flowtrail_log.audit_events_000000000075']);
    expect((await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test')).problems).toEqual([]);

    // Appends go on into the new partitions; an event id the first partition holds is still a duplicate.
    const first = (await t.deps.sql<{ eventId: string }[]>`select event_id from audit_events where seq = 3`)[0]!.eventId;
    const again = decisions('p1', 30, 1)[0]!;
    const res = await t.ingest([...decisions('p1', 31, 50), { ...again, event_id: first }]);
    expect(await res.json()).toMatchObject({ accepted: 50, duplicates: 1 });
    await t.deps.integrator.checkpoint(true);
    const size = (await t.deps.sql<{ size: number }[]>`select size::int from log_state`)[0]!.size;
    expect(size).toBeGreaterThan(75);
    const counts = await t.deps.sql<{ part: string; n: number }[]>`select tableoid::regclass::text as part, count(*)::int as n from audit_events group by 1 order by 1`;
    expect(counts.map((c) => c.n)).toEqual([50, 25, size - 75]);
    const after = await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test');
    expect(after.problems).toEqual([]);
    expect(after.events).toBe(size);

    // The append-only triggers hold on the parent and on each partition.
    for (const table of ['audit_events', 'flowtrail_log.audit_events_000000000000', 'flowtrail_log.audit_events_000000000075']) {
      for (const change of [`update ${table} set leaf = leaf`, `delete from ${table}`, `truncate ${table}`]) {
        expect({ change, code: await attempt(t.deps.sql, [change]) }).toEqual({ change, code: 'P0001' });
      }
    }
    // Run again, it only adds what is missing ahead of the log's end (size + 2 x 25 < 150).
    await partition(t.deps.sql, 25);
    expect((await partitions(t.deps.sql)).map((p) => p.bound).at(-1)).toBe("FOR VALUES FROM ('125') TO ('150')");
  });
});

describe.runIf(target === 'postgres')('partitioning a copy of a log with the owner split off (PostgreSQL)', () => {
  it('keeps the role split: the service appends and reads through the parent, may not touch the partitions, and verify passes on the copy', async () => {
    const suffix = randomBytes(4).toString('hex');
    const owner = `ft_owner_${suffix}`;
    const appRole = `ft_app_${suffix}`;
    const [original, copy] = [`flowtrail_part_${suffix}`, `flowtrail_part_copy_${suffix}`];
    const base = process.env.FLOWTRAIL_TEST_DATABASE_URL!;
    const asRole = (role: string, db: string) => {
      const u = new URL(withDatabase(base, db));
      u.username = role;
      u.password = `pw-${role}`;
      return u.toString();
    };
    const key = generateSigningKey('flowtrail/part');
    const config = (db: string) => loadConfig({
      FLOWTRAIL_DATABASE_URL: asRole(appRole, db),
      FLOWTRAIL_MIGRATION_DATABASE_URL: asRole(owner, db),
      FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowtrail-part-')),
      FLOWTRAIL_SIGNING_KEY: key.privateKeyPem,
      FLOWTRAIL_LOG_ORIGIN: 'flowtrail/part',
      FLOWTRAIL_SANITIZER_KEY: 'part-test-sanitizer-key-0123456789abcdef',
      FLOWTRAIL_LOG_LEVEL: 'silent',
    });
    const admin = connect(base, 1);
    const pools: Pool[] = [];
    try {
      await admin.unsafe(`create role ${owner} login password 'pw-${owner}'`);
      await admin.unsafe(`create role ${appRole} login password 'pw-${appRole}'`);
      await admin.unsafe(`create database ${original} owner ${owner}`);
      expect(await migrateCommand([], config(original), () => {})).toBe(0);
      const ingestAndVerify = async (db: string, sessionId: string, n: number) => {
        const service = await startService(config(db), pino({ level: 'silent' }), { listen: false });
        try {
          const { token } = await createApiToken(service.deps.sql, { role: 'ingest', name: `part ${sessionId}` }, { id: 'test' });
          const res = await createApp(service.deps).request('/api/v1/flow-events', {
            method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify([startedEvent(sessionId, at(0)), ...decisions(sessionId, 0, n)]),
          });
          expect(res.status).toBe(202);
          await service.integrator.integrate();
          await service.integrator.checkpoint(true);
          return await verifyDatabase(service.deps.sql, service.deps.verifiers, 'flowtrail/part');
        } finally {
          await service.close();
        }
      };
      expect((await ingestAndVerify(original, 'o1', 40)).problems).toEqual([]);

      // The copy is partitioned by its owner; the original stays as it was.
      await admin.unsafe(`create database ${copy} template ${original} owner ${owner}`);
      const asOwner = connect(asRole(owner, copy), 1);
      pools.push(asOwner);
      await partition(asOwner, 20);
      const v = await ingestAndVerify(copy, 'c1', 45);
      expect(v.problems).toEqual([]);
      const parts = await asOwner<{ part: string; n: number }[]>`select tableoid::regclass::text as part, count(*)::int as n from audit_events group by 1 order by 1`;
      expect(parts.length).toBeGreaterThan(2);

      // The service's role: it reads and inserts through the parent and nothing else.
      const service = connect(asRole(appRole, copy), 1);
      pools.push(service);
      // Stopping the service appended its last checkpoint after the verify above: count against the tree size now.
      const logged = async () => (await service<{ n: number; size: number }[]>`select (select count(*)::int from audit_events) as n, (select size::int from log_state) as size`)[0]!;
      const stored = await logged();
      expect(stored.n).toBe(stored.size);
      expect(stored.n).toBeGreaterThanOrEqual(v.events);
      for (const change of ['update audit_events set leaf = leaf', 'delete from audit_events', 'truncate audit_events']) {
        expect({ change, code: await attempt(service, ["set local flowtrail.purge = 'on'", change]) }).toEqual({ change, code: '42501' });
      }
      for (const statement of ['select count(*) from flowtrail_log.audit_events_000000000000', 'delete from flowtrail_log.audit_events_000000000000',
        'alter table audit_events disable trigger all', 'alter table audit_events detach partition flowtrail_log.audit_events_000000000000',
        'create table flowtrail_log.audit_events_x partition of audit_events for values from (1000000) to (2000000)']) {
        expect({ statement, code: await attempt(service, [statement]) }).toEqual({ statement, code: '42501' });
      }
      // The owner without the purge switch is refused by the triggers on the partitions too.
      expect(await attempt(asOwner, ['delete from flowtrail_log.audit_events_000000000000'])).toBe('P0001');
      // `flowtrail migrate` on the partitioned copy grants the same again.
      expect(await migrateCommand([], config(copy), () => {})).toBe(0);
      expect(await logged()).toEqual(stored);
      expect(await attempt(service, ['select count(*) from flowtrail_log.audit_events_000000000000'])).toBe('42501');
      const originalKind = connect(asRole(owner, original), 1);
      pools.push(originalKind);
      expect((await originalKind`select relkind from pg_class where oid = 'audit_events'::regclass`)[0]!.relkind).toBe('r');
    } finally {
      for (const p of pools) await p.end({ timeout: 1 });
      for (const db of [copy, original]) await admin.unsafe(`drop database if exists ${db} with (force)`);
      await admin.unsafe(`drop role if exists ${appRole}`);
      await admin.unsafe(`drop role if exists ${owner}`);
      await admin.end();
    }
  }, 180_000);
});
