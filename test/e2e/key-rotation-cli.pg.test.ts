import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import { createTestDatabase, target } from '../support/pg.js';
import type { Database } from '../../src/store/index.js';

const bin = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));
const ORIGIN = 'flowtrail/rotation-test';

/** Runs a real `flowtrail serve` until it has started (it records its key and configuration then), and stops it with SIGTERM. */
async function serveOnce(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env, FLOWTRAIL_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  for (let i = 0; i < 1200 && !/listening|"url"/i.test(output) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  await exited;
  return output;
}

describe('flowtrail keys rotate and configuration changes, with real processes', () => {
  let db: (Database & { url?: string }) | undefined;
  const base: Record<string, string> = { FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_ORIGIN: ORIGIN, FLOWTRAIL_LOG_LEVEL: 'silent' };
  const run = async (env: Record<string, string>, ...argv: string[]) => {
    const out: string[] = [];
    const code = await runCli(argv, env, (s) => out.push(s), (s) => out.push(s));
    return { code, out: out.join('\n') };
  };
  beforeAll(async () => {
    if (target === 'postgres') {
      db = await createTestDatabase();
      base.FLOWTRAIL_DATABASE_URL = db.url!;
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it('rotates the data directory\'s key: the next serve records it with a handover checkpoint, verify trusts both keys from either, and the config change is recorded once', { timeout: 240_000 }, async () => {
    const env = { ...base, FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowtrail-rotate-')) };
    await serveOnce(env);
    await serveOnce(env);
    const firstKeys = await run(env, 'keys', 'list');
    expect(firstKeys.out.split('\n')).toHaveLength(2);
    const oldKey = firstKeys.out.split('\n')[1]!.split('\t').pop()!;
    const rotate = await run(env, 'keys', 'rotate');
    expect(rotate.code, rotate.out).toBe(0);
    expect(existsSync(join(env.FLOWTRAIL_DATA_DIR, 'signing-key.previous.pem'))).toBe(true);
    expect((await run(env, 'keys', 'rotate')).out).toMatch(/a rotation is already waiting/);
    const changed = { ...env, FLOWTRAIL_RETENTION_DAYS: '400' };
    expect(await serveOnce(changed)).toMatch(/the signing key was rotated: the retired key signed a handover checkpoint/);
    expect(existsSync(join(env.FLOWTRAIL_DATA_DIR, 'signing-key.previous.pem'))).toBe(false);
    await serveOnce(changed);

    const keys = (await run(env, 'keys', 'list')).out.split('\n');
    expect(keys).toHaveLength(3);
    expect(keys[1]).toMatch(new RegExp(`^${ORIGIN}\\+[0-9a-f]{8}\\t0\\t-\\t-\\t\\S+\\t\\d{4}-\\S+\\t${ORIGIN.replace('/', '\\/')}\\+`));
    expect(keys[2]).toMatch(/\tyes\t\S+\tin use\t/);
    const v = await run(changed, 'verify');
    expect(v.code, v.out).toBe(0);
    expect(v.out).toMatch(/^key flowtrail\/rotation-test\+[0-9a-f]{8}: trusted: named as the retired key by a trusted successor; may sign tree sizes 0 to \d+; signed \d+ checkpoints?, tree sizes \d+ to \d+$/m);
    expect(v.out).toMatch(/^key flowtrail\/rotation-test\+[0-9a-f]{8}: trusted: given as a trusted key, introduced at seq \d+; may sign tree sizes \d+ to now; signed \d+ checkpoints?/m);
    const fromOld = await run(changed, 'verify', '--key', oldKey);
    expect(fromOld.code, fromOld.out).toBe(0);
    expect(fromOld.out).toMatch(/trusted: its predecessor signed the handover checkpoint over its rotation/);

    const exportFile = join(env.FLOWTRAIL_DATA_DIR, 'configuration.ndjson');
    expect((await run(changed, 'export', '--type', 'configuration_changed', '--out', exportFile)).code).toBe(0);
    const records = readFileSync(exportFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { data: { changes: { setting: string; from: unknown; to: unknown }[] } });
    // Four starts, two configurations (the data directory's, then with the retention changed): two records.
    expect(records).toHaveLength(2);
    expect(records[1]!.data.changes).toEqual([{ setting: 'FLOWTRAIL_RETENTION_DAYS', from: 365, to: 400 }]);

    // A bundle spanning the rotation: every proof leads to the latest checkpoint, signed by the new key.
    const bundleFile = join(env.FLOWTRAIL_DATA_DIR, 'rotated-bundle.json');
    expect((await run(changed, 'export', '--bundle', '--out', bundleFile)).code).toBe(0);
    const newKey = keys[2]!.split('\t').pop()!;
    const standalone = (key: string) => spawnSync(process.execPath, [join(env.FLOWTRAIL_DATA_DIR, 'verify-bundle.mjs'), bundleFile, '--key', key], { encoding: 'utf8' });
    const good = standalone(newKey);
    expect(good.status, good.stdout).toBe(0);
    expect(good.stdout).toMatch(/events in bundle: valid$/m);
    // From the retired key alone: the bundle's key history leads through the handover checkpoint to the new key.
    const bundleFromOld = standalone(oldKey);
    expect(bundleFromOld.status, bundleFromOld.stdout).toBe(0);
    expect(bundleFromOld.stdout).toMatch(/^key flowtrail\/rotation-test\+[0-9a-f]{8}: trusted \(handover\); may sign tree sizes \d+ to now$/m);
    // Without the handover (removed from the bundle) the retired key does not vouch for the new one.
    const bundle = JSON.parse(readFileSync(bundleFile, 'utf8')) as { key_history: { handover?: unknown }[] };
    expect(bundle.key_history).toHaveLength(1);
    delete bundle.key_history[0]!.handover;
    writeFileSync(bundleFile, JSON.stringify(bundle, null, 2));
    expect(standalone(oldKey).stdout).toMatch(/^checkpoint \?: INVALID: unknown key/m);
    // A forged rotation entry (the leaf changed to name another key) does not lead anywhere either.
    const forged = JSON.parse(readFileSync(bundleFile, 'utf8')) as { key_history: { leaf: string }[] };
    forged.key_history[0]!.leaf = forged.key_history[0]!.leaf.replace(/"handover":true/, '"handover":false');
    writeFileSync(bundleFile, JSON.stringify(forged, null, 2));
    expect(standalone(oldKey).stdout).toMatch(/^key history entry #1: INVALID: not a signing_key_rotated event proven against the bundle's checkpoint$/m);
  });

  it('takes a new FLOWTRAIL_SIGNING_KEY at restart without the old one: the old key is trusted from the new, a reader who pinned only the old key is told why the new one is not', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowtrail-rotate-env-'));
    const k1 = generateSigningKey(ORIGIN);
    const k2 = generateSigningKey(ORIGIN);
    const v1 = { ...base, FLOWTRAIL_DATA_DIR: dir, FLOWTRAIL_SIGNING_KEY: k1.privateKeyPem };
    const v2 = { ...v1, FLOWTRAIL_SIGNING_KEY: k2.privateKeyPem };
    await serveOnce(v1);
    expect((await run(v1, 'keys', 'rotate')).code).toBe(2);
    expect(await serveOnce(v2)).toMatch(/rotated without the retired key at hand/);
    await serveOnce(v2);
    expect((await run(v2, 'verify')).code).toBe(0);
    const pinnedOld = await run(v2, 'verify', '--key', k1.verifierKey);
    expect(pinnedOld.code).toBe(1);
    expect(pinnedOld.out).toMatch(/INVALID: untrusted key: signed by flowtrail\/rotation-test\+[0-9a-f]{8}, introduced at seq \d+ without a handover checkpoint/);
    expect((await run(v2, 'verify', '--key', k1.verifierKey, '--key', k2.verifierKey)).code).toBe(0);
    // Back to the retired key: refused at start-up.
    expect(await serveOnce(v1)).toMatch(/retired .* never signs again/);
  });
});
