import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/app-env.js';
import { createApp } from '../../src/app.js';
import { runRetention, eraseTexts, verifyDatabase } from '../../src/audit/index.js';
import { createApiToken } from '../../src/auth/index.js';
import { migrateCommand } from '../../src/cli/migrate-command.js';
import { loadConfig, type Config } from '../../src/config.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import { startService, type Service } from '../../src/service.js';
import { connect, SERVICE_PRIVILEGES, serviceRoleGuarantees, type Pool } from '../../src/store/index.js';
import { sweepPendingSpans } from '../../src/jobs/index.js';
import { agentRun, newTraceId, otlpJson } from '../support/otlp-json.js';
import { withDatabase } from '../support/pg-global-setup.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { target } from '../support/pg.js';
import { WebClient } from '../support/web.js';

// The service's own PostgreSQL role plays the attacker: someone who has the
// service's database password (from its Secret, its environment, a heap dump)
// and connects with psql. With FLOWTRAIL_MIGRATION_DATABASE_URL the tables
// belong to another role and nothing this role can send rewrites the log.

const webhooks = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
const hookHeaders = JSON.parse(readFileSync(new URL('headers.json', webhooks), 'utf8')) as Record<string, Record<string, string>> & { _fixture_secret_token: string };
const pushBody = readFileSync(new URL('push.json', webhooks), 'utf8');

describe.runIf(target === 'postgres')('the service\'s database role, with the owner split off (PostgreSQL)', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `ft_owner_${suffix}`;
  const appRole = `ft_app_${suffix}`;
  const dbName = `flowtrail_roles_${suffix}`;
  const base = process.env.FLOWTRAIL_TEST_DATABASE_URL!;
  const asRole = (role: string) => {
    const u = new URL(withDatabase(base, dbName));
    u.username = role;
    u.password = `pw-${role}`;
    return u.toString();
  };
  let admin: Pool;
  let attacker: Pool;
  let service: Service;
  let app: Hono<AppEnv>;
  let config: Config;

  beforeAll(async () => {
    admin = connect(base, 1);
    await admin.unsafe(`create role ${owner} login password 'pw-${owner}'`);
    await admin.unsafe(`create role ${appRole} login password 'pw-${appRole}'`);
    await admin.unsafe(`create database ${dbName} owner ${owner}`);
    config = loadConfig({
      FLOWTRAIL_DATABASE_URL: asRole(appRole),
      FLOWTRAIL_MIGRATION_DATABASE_URL: asRole(owner),
      FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowtrail-roles-')),
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/roles').privateKeyPem,
      FLOWTRAIL_LOG_ORIGIN: 'flowtrail/roles',
      FLOWTRAIL_SANITIZER_KEY: 'roles-test-sanitizer-key-0123456789abcdef',
      FLOWTRAIL_WEBHOOK_SECRET: hookHeaders._fixture_secret_token,
      FLOWTRAIL_RETENTION_DAYS: '30',
      FLOWTRAIL_LOG_LEVEL: 'silent',
    });
    const out: string[] = [];
    expect(await migrateCommand([], config, (s) => out.push(s))).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`"${appRole}" may insert and read the log`));
    service = await startService(config, pino({ level: 'silent' }), { listen: false });
    app = createApp(service.deps);
    attacker = connect(asRole(appRole), 1);
  }, 120_000);

  afterAll(async () => {
    await attacker?.end({ timeout: 1 });
    await service?.close();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.unsafe(`drop role if exists ${appRole}`);
    await admin.unsafe(`drop role if exists ${owner}`);
    await admin.end();
  });

  /** The SQLSTATE a statement of the attacker fails with ('ok' if it succeeds). */
  const attempt = async (statements: string[]): Promise<string> => {
    try {
      await attacker.begin(async (tx) => {
        for (const s of statements) await tx.unsafe(s);
      });
      return 'ok';
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  };

  it('runs every capability as that role: ingest, webhooks and their jobs, tokens, checkpoints, retention, erasure, verify', async () => {
    const { token: ingest } = await createApiToken(service.deps.sql, { role: 'ingest', name: 'roles test' }, { id: 'test' });
    const post = (path: string, body: string, headers: Record<string, string>) => app.request(path, { method: 'POST', headers, body });
    const events = [
      startedEvent('roles-1', at(0)),
      flowEvent('duo_flow_decision_logged', 'roles-1', at(1), { step: 1, decision: 'ask the customer 4711 for approval' }),
      flowEvent('duo_flow_completed', 'roles-1', at(2)),
    ];
    expect((await post('/api/v1/flow-events', JSON.stringify(events), { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' })).status).toBe(202);
    // OTLP: children before their session span (kept, then joined), a re-sent batch, and the sweep of what is kept.
    const trace = newTraceId();
    const run = agentRun(Date.now() - 60_000, undefined, 'conv-roles');
    const resource = { 'service.name': 'release-bot', 'enduser.id': 'mkowalski', 'vcs.repository.url.full': 'https://gitlab.example.com/acme-platform/ledger.git' };
    for (const spans of [[run.chat, run.tool], [run.root], [run.root, run.guard]]) {
      const res = await post('/v1/traces', JSON.stringify(otlpJson(trace, resource, spans)), { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' });
      expect(await res.json()).toEqual({});
    }
    expect(await sweepPendingSpans(service.deps.sql, 1, new Date(Date.now() + 2 * 3_600_000))).toMatchObject({ dropped: 0, sessionsForgotten: 1 });
    const { 'webhook-id': _i, 'webhook-timestamp': _t, 'webhook-signature': _s, ...push } = hookHeaders.push!;
    expect((await post('/webhooks/gitlab', pushBody, push)).status).toBe(200);
    // The service's own worker takes the delivery's job; wait until it ran.
    for (let i = 0; i < 100; i++) {
      await service.deps.jobRunner!.runDue();
      const [j] = await service.deps.sql<{ n: number }[]>`select count(*)::int as n from jobs where attempts = 0`;
      if (j!.n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await service.deps.sql`select name from jobs where attempts > 0`).not.toEqual([]);
    expect(await service.deps.sql`select name, last_error from jobs where last_error is not null`).toEqual([]);
    await service.integrator.integrate();
    await service.integrator.checkpoint(true);
    const { token: adminToken } = await createApiToken(service.deps.sql, { role: 'admin', name: 'roles admin' }, { id: 'test' });
    const erased = await app.request('/api/v1/erasures', {
      method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ session_id: 'roles-1', reason: 'request 17' }),
    });
    expect(erased.status).toBe(200);
    expect((await erased.json()).events).toBeGreaterThan(0);
    // A browser signs in (web_sessions), reads pages (token last use), a token is revoked.
    const browser = new WebClient(app, service.deps.config.http.publicUrl);
    expect((await browser.signIn(adminToken)).status).toBe(303);
    expect((await browser.get('/-/duo/sessions/roles-1')).status).toBe(200);
    const revoked = await app.request(`/api/v1/tokens/${(await service.deps.sql<{ id: string }[]>`select id from api_tokens where name = 'roles test'`)[0]!.id}`, {
      method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(revoked.status).toBe(200);
    const retention = await runRetention(service.deps.sql, 30, 'test');
    expect(retention.sessions).toBe(0);
    await service.integrator.integrate();
    const types = (await service.deps.sql<{ type: string }[]>`select type from audit_events order by seq`).map((r) => r.type);
    expect(types.filter((x) => x === 'duo_flow_decision_logged').length).toBeGreaterThanOrEqual(4);
    expect(types).toEqual(expect.arrayContaining(['duo_flow_started', 'api_token_created', 'api_token_revoked', 'user_signed_in', 'personal_data_erased', 'retention_purged', 'integrity_checkpoint']));
    const v = await verifyDatabase(service.deps.sql, service.deps.verifiers, 'flowtrail/roles');
    expect(v.problems).toEqual([]);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the log and its checkpoints, with or without the purge switch', async () => {
    for (const table of ['audit_events', 'checkpoints']) {
      const column = table === 'audit_events' ? 'leaf' : 'note';
      for (const change of [`update ${table} set ${column} = ${column}`, `delete from ${table}`, `truncate ${table}`]) {
        expect({ change, plain: await attempt([change]) }).toEqual({ change, plain: '42501' });
        expect({ change, switched: await attempt(["set local flowtrail.purge = 'on'", change]) }).toEqual({ change, switched: '42501' });
      }
    }
    expect(await attacker`select count(*)::int as n from audit_events where leaf is null`).toEqual([{ n: 0 }]);
  });

  it('cannot disable the append-only triggers, replace their function, or make tables of its own', async () => {
    expect(await attempt(['alter table audit_events disable trigger audit_events_append_only'])).toBe('42501');
    expect(await attempt(['alter table audit_events disable trigger all'])).toBe('42501');
    expect(await attempt(['drop trigger audit_events_append_only on audit_events'])).toBe('42501');
    expect(await attempt(['create or replace function flowtrail_refuse_change() returns trigger language plpgsql as $$ begin return new; end $$'])).toBe('42501');
    expect(await attempt(['create table audit_events_copy (x int)'])).toBe('42501');
    expect(await attempt(['alter table audit_events owner to current_user'])).toBe('42501');
  });

  it('cannot move the tree state backwards, shorten retention, or write the owner\'s records itself', async () => {
    expect(await attempt(['update log_state set size = 0'])).toBe('P0001');
    expect(await attempt(["update log_state set origin = 'elsewhere'"])).toBe('P0001');
    expect(await attempt(['update retention_policy set min_days = 1'])).toBe('42501');
    expect(await attempt(['select flowtrail_purge_expired(1, \'mallory\')'])).toBe('22023');
    expect(await attempt(["select flowtrail_record_system_event('retention_purged', now(), '{}')"])).toBe('42501');
    expect(await attempt(['update intake set events = \'[]\''])).toBe('42501');
    expect(await attempt(['delete from deliveries'])).toBe('42501');
    expect(await attempt(['delete from sessions'])).toBe('42501');
  });

  it('cannot release a legal hold or change a retention rule except through the recorded functions', async () => {
    const [placed] = await attacker<{ h: { id: number } }[]>`select flowtrail_place_hold('user', 'mchen', 'Litigation hold', 'test') as h`;
    const id = placed!.h.id;
    for (const change of [`update legal_holds set released_at = now() where id = ${id}`, `delete from legal_holds where id = ${id}`,
      "insert into legal_holds (scope, value, reason, placed_by, released_at) values ('user', 'x', 'r', 'mallory', now())",
      "insert into retention_rules (scope, value, days, set_by) values ('project', 'a/b', 1, 'mallory')", 'delete from retention_rules']) {
      expect({ change, plain: await attempt([change]) }).toEqual({ change, plain: '42501' });
      expect({ change, switched: await attempt(["set local flowtrail.purge = 'on'", change]) }).toEqual({ change, switched: '42501' });
    }
    // Below the owner's floor (migrate set it from FLOWTRAIL_RETENTION_DAYS) a rule is refused.
    expect(await attempt(["select flowtrail_set_retention_rule('project', 'a/b', 1, 'mallory')"])).toBe('22023');
    expect(await attacker`select released_at from legal_holds where id = ${id}`).toEqual([{ releasedAt: null }]);
    await attacker`select flowtrail_release_hold(${id}::bigint, 'test', 'done')`;
  });

  it('records an erasure in the same transaction as the erasure: both or neither', async () => {
    const outcome = await attacker.begin(async (tx) => {
      await eraseTexts(tx as unknown as Pool, { username: 'dwhitfield' }, { id: 'test' });
      const queued = await tx<{ n: number }[]>`select count(*)::int as n from intake where events->0->>'type' = 'personal_data_erased'`;
      // The connection dies before the commit (as in a crash): nothing of it remains.
      throw Object.assign(new Error('crash'), { queued: queued[0]!.n });
    }).catch((err: { queued: number }) => err);
    expect(outcome.queued).toBe(1);
    expect(await attacker`select count(*)::int as n from intake where events->0->>'type' = 'personal_data_erased'`).toEqual([{ n: 0 }]);
  });

  it('is told apart from the owner at start-up: the service role could not rewrite the log, the owner could', async () => {
    expect((await serviceRoleGuarantees(attacker)).couldRewriteLog).toEqual([]);
    const asOwner = connect(asRole(owner), 1);
    try {
      expect((await serviceRoleGuarantees(asOwner)).couldRewriteLog.join('; ')).toMatch(/owns the tables/);
    } finally {
      await asOwner.end();
    }
  });

  it('has privileges defined for every table', async () => {
    const tables = await attacker<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public'`;
    expect(tables.map((t) => t.tablename).filter((t) => SERVICE_PRIVILEGES[t] === undefined)).toEqual([]);
  });
});
