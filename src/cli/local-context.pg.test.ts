import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../config.js';
import { generateSigningKey } from '../integrity/index.js';
import { connect, type Pool } from '../store/index.js';
import { withDatabase } from '../../test/support/pg-global-setup.js';
import { target } from '../../test/support/pg.js';
import { migrateCommand } from './migrate-command.js';
import { verifyCommand } from './verify-command.js';

// The CLI as deployed with two roles (docs/deploy.md): the owner migrates,
// and `flowtrail verify` then runs as the service's role, which may not
// create tables, so the CLI must not try to migrate.
describe.runIf(target === 'postgres')('CLI commands as the service\'s role (PostgreSQL)', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `ft_cli_owner_${suffix}`;
  const service = `ft_cli_service_${suffix}`;
  const dbName = `flowtrail_cli_${suffix}`;
  const base = process.env.FLOWTRAIL_TEST_DATABASE_URL!;
  const asRole = (role: string, password = true) => {
    const u = new URL(withDatabase(base, dbName));
    u.username = role;
    u.password = password ? `pw-${role}` : '';
    return u.toString();
  };
  let admin: Pool;
  let config: Config;

  beforeAll(async () => {
    admin = connect(base, 1);
    await admin.unsafe(`create role ${owner} login password 'pw-${owner}'`);
    await admin.unsafe(`create role ${service} login password 'pw-${service}'`);
    await admin.unsafe(`create database ${dbName} owner ${owner}`);
    const settings = {
      FLOWTRAIL_DATABASE_URL: asRole(service),
      FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowtrail-cli-roles-')),
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/cli-roles').privateKeyPem,
      FLOWTRAIL_SANITIZER_KEY: 'cli-roles-test-sanitizer-key-0123456789abcdef',
      FLOWTRAIL_LOG_LEVEL: 'silent',
    };
    expect(await migrateCommand([], loadConfig({ ...settings, FLOWTRAIL_MIGRATION_DATABASE_URL: asRole(owner) }), () => undefined)).toBe(0);
    // As the server pods and the systemd unit get it: the owner's role name without its password.
    config = loadConfig({ ...settings, FLOWTRAIL_MIGRATION_DATABASE_URL: asRole(owner, false) });
  }, 120_000);

  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.unsafe(`drop role if exists ${service}`);
    await admin.unsafe(`drop role if exists ${owner}`);
    await admin.end();
  });

  it('runs flowtrail verify without migrating when FLOWTRAIL_MIGRATION_DATABASE_URL names the owner', async () => {
    const out: string[] = [];
    expect(await verifyCommand([], config, (s) => out.push(s))).toBe(0);
    expect(out.join('\n')).toMatch(/: valid$/m);
  });
});
