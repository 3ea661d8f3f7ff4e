import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { effectiveConfiguration } from '../../src/effective-configuration.js';
import { createNoteSigner, generateSigningKey } from '../../src/integrity/index.js';
import { recordConfiguration } from '../../src/log/index.js';
import { useTestDb } from '../support/pg.js';

const ORIGIN = 'flowtrail/test';
const signer = createNoteSigner(generateSigningKey(ORIGIN).privateKeyPem, ORIGIN);
const KEY = Buffer.from('sanitizer-key-for-the-configuration-test');
const base = { FLOWTRAIL_DATA_DIR: '/var/lib/flowtrail', FLOWTRAIL_LOG_ORIGIN: ORIGIN, FLOWTRAIL_WEBHOOK_SECRET: 'hunter22', FLOWTRAIL_RETENTION_DAYS: '365' };
const settingsOf = (env: Record<string, string>) => effectiveConfiguration(loadConfig({ ...base, ...env }), KEY);

describe('configuration_changed', () => {
  const t = useTestDb();
  const recorded = async () => (await t.sql<{ leaf: string }[]>`select leaf from audit_events where type = 'configuration_changed' order by seq`)
    .map((r) => JSON.parse(r.leaf).data as { changes: { setting: string; from: unknown; to: unknown }[]; fingerprint: string; previous_fingerprint: string | null; host: string; pid: number });

  it('records the first configuration whole, then only what changed, from what to what, and nothing when it is the same', async () => {
    expect(await recordConfiguration(t.sql, settingsOf({}), signer, ORIGIN)).toBeGreaterThan(30);
    expect(await recordConfiguration(t.sql, settingsOf({}), signer, ORIGIN)).toBe(0);
    expect(await recordConfiguration(t.sql, settingsOf({ FLOWTRAIL_RETENTION_DAYS: '400', FLOWTRAIL_LOG_LEVEL: 'warn' }), signer, ORIGIN)).toBe(2);
    const [first, second] = await recorded();
    expect(first!.previous_fingerprint).toBeNull();
    expect(first!.changes).toContainEqual({ setting: 'FLOWTRAIL_RETENTION_DAYS', from: null, to: 365 });
    expect(second!.changes).toEqual([
      { setting: 'FLOWTRAIL_LOG_LEVEL', from: 'info', to: 'warn' },
      { setting: 'FLOWTRAIL_RETENTION_DAYS', from: 365, to: 400 },
    ]);
    expect(second!.previous_fingerprint).toBe(first!.fingerprint);
    expect(second).toMatchObject({ pid: process.pid, host: expect.any(String) });
  });

  it('shows a changed secret as a changed keyed fingerprint, never the secret nor its plain hash', async () => {
    await recordConfiguration(t.sql, settingsOf({}), signer, ORIGIN);
    await recordConfiguration(t.sql, settingsOf({ FLOWTRAIL_WEBHOOK_SECRET: 'hunter23', FLOWTRAIL_DATABASE_URL: 'postgres://svc:pa55word@db.internal/flowtrail?sslpassword=x' }), signer, ORIGIN);
    const [, change] = await recorded();
    const secret = change!.changes.find((c) => c.setting === 'FLOWTRAIL_WEBHOOK_SECRET')!;
    expect(secret.from).toMatch(/^set \(fingerprint [0-9a-f]{16}\)$/);
    expect(secret.to).toMatch(/^set \(fingerprint [0-9a-f]{16}\)$/);
    expect(secret.to).not.toBe(secret.from);
    const leaves = (await t.sql<{ leaf: string }[]>`select leaf from audit_events`).map((r) => r.leaf).join('\n');
    for (const s of ['hunter22', 'hunter23', 'pa55word']) {
      expect(leaves).not.toContain(s);
      for (const h of [createHash('sha256').update(s).digest('hex'), createHash('sha256').update(`FLOWTRAIL_WEBHOOK_SECRET\n${s}`).digest('hex')]) expect(leaves).not.toContain(h.slice(0, 16));
    }
    expect(change!.changes.find((c) => c.setting === 'FLOWTRAIL_DATABASE_URL')!.to).toMatch(/^postgres:\/\/svc:\*\*\*@db\.internal\/flowtrail\?sslpassword=\*\*\* \(set \(fingerprint [0-9a-f]{16}\)\)$/);
    // Under another sanitizer key (another installation) the same secret has another fingerprint: nothing to compare across sites.
    expect(effectiveConfiguration(loadConfig(base), Buffer.from('another key')).FLOWTRAIL_WEBHOOK_SECRET).not.toBe(settingsOf({}).FLOWTRAIL_WEBHOOK_SECRET);
  });

  it('records a change once when several processes start with it together, and again when the configuration goes back', async () => {
    await recordConfiguration(t.sql, settingsOf({}), signer, ORIGIN);
    const changed = settingsOf({ FLOWTRAIL_CHECKPOINT_EVENTS: '500' });
    const counts = await Promise.all([1, 2, 3, 4].map(() => recordConfiguration(t.sql, changed, signer, ORIGIN)));
    expect(counts.sort()).toEqual([0, 0, 0, 1]);
    await recordConfiguration(t.sql, settingsOf({}), signer, ORIGIN);
    await recordConfiguration(t.sql, changed, signer, ORIGIN);
    expect((await recorded()).map((r) => r.changes.length)).toEqual([expect.any(Number), 1, 1, 1]);
  });
});
