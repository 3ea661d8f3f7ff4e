import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import { CLI_BRIDGE_TTL_MS, startService } from '../../src/service.js';

// serve leaves an admin token in FLOWTRAIL_DATA_DIR/serve.json for the CLI
// while it holds the embedded database. Whoever later finds that file (a
// backup, a copied data directory, a crash that skipped the clean-up) must not
// hold an admin token that works forever.

const bin = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

describe('the local CLI bridge token', () => {
  let dir: string;
  let config: Config;
  const env = () => ({ ...process.env, FLOWTRAIL_DATA_DIR: config.db.dataDir, FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'silent' });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowtrail-bridge-'));
    config = loadConfig({ FLOWTRAIL_DATA_DIR: join(dir, 'data'), FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('expires within the hour, and is revoked at the next start after serve was killed with -9', { timeout: 120_000 }, async () => {
    // A real serve process, killed without any chance to clean up.
    const child = spawn(process.execPath, [bin, 'serve'], { env: env(), stdio: 'ignore' });
    const serveJson = join(config.db.dataDir, 'serve.json');
    for (let i = 0; i < 1200 && !existsSync(serveJson); i++) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(serveJson).mode & 0o777).toBe(0o600);
    const { token } = JSON.parse(readFileSync(serveJson, 'utf8')) as { token: string };
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(serveJson)).toBe(true);

    const service = await startService(config, pino({ level: 'silent' }));
    try {
      const now = createAuthenticator(service.deps.sql);
      expect(await now.authenticate(token)).toBeNull();
      const [revoked] = await service.deps.sql<{ expiresAt: Date; revokedAt: Date | null }[]>`
        select expires_at, revoked_at from api_tokens where purpose = 'cli_bridge' order by created_at limit 1`;
      expect(revoked!.revokedAt).not.toBeNull();
      expect(revoked!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + CLI_BRIDGE_TTL_MS);
      await service.integrator.integrate();
      const [event] = await service.deps.sql<{ leaf: string }[]>`select leaf from audit_events where type = 'api_token_revoked' order by seq limit 1`;
      expect(JSON.parse(event!.leaf).data).toMatchObject({ reason: 'left by a serve that did not shut down', actor: 'system' });
      // The new serve's own token works now and no longer an hour from now.
      const fresh = (JSON.parse(readFileSync(serveJson, 'utf8')) as { token: string }).token;
      expect(await now.authenticate(fresh)).toMatchObject({ role: 'admin' });
      const inAnHour = createAuthenticator(service.deps.sql, () => Date.now() + CLI_BRIDGE_TTL_MS + 1000);
      expect(await inAnHour.authenticate(fresh)).toBeNull();
      // The killed serve's socket directory is gone: one run directory, this serve's.
      expect(readdirSync(config.db.dataDir).filter((n) => n.startsWith('run-'))).toHaveLength(1);
    } finally {
      await service.close();
    }
    expect(existsSync(serveJson)).toBe(false);
  });
});
