import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import type { AppDeps, AppEnv } from '../../src/app-env.js';
import { createApiToken, createAuthenticator, createWebSessions, deriveCookieKey } from '../../src/auth/index.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createJobHandlers, JobRunner, type JobRunnerOptions } from '../../src/jobs/index.js';
import { createIntegrator } from '../../src/log/index.js';
import type { GitlabClient } from '../../src/gitlab/index.js';
import { createNoteSigner, generateSigningKey, parseVerifierKey, type NoteSigner } from '../../src/integrity/index.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createSanitizer } from '../../src/sanitize/index.js';
import type { Role } from '../../src/store/index.js';
import { deriveSecretsKey } from '../../src/stream/index.js';
import { useTestDb } from './pg.js';

export const STREAMING_TOKEN = 'stream-token-for-tests';
export const SANITIZER_KEY = 'test-sanitizer-key-0123456789abcdef';
const signingKey = generateSigningKey('flowtrail/test');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowtrail-test-')),
    FLOWTRAIL_STREAMING_TOKEN: STREAMING_TOKEN,
    FLOWTRAIL_SANITIZER_KEY: SANITIZER_KEY,
    FLOWTRAIL_SIGNING_KEY: signingKey.privateKeyPem,
    FLOWTRAIL_LOG_ORIGIN: 'flowtrail/test',
    FLOWTRAIL_LOG_LEVEL: 'silent',
    ...env,
  });
}

export interface TestApp {
  readonly app: Hono<AppEnv>;
  readonly deps: AppDeps;
  readonly signer: NoteSigner;
  /** The PostgreSQL URL of this file's database (undefined on PGlite). */
  readonly dbUrl: string | undefined;
  /** A fresh token of a role (tables are emptied before each test). */
  token(role: Role, user?: string): Promise<string>;
  /** POSTs flow events as an ingest token and integrates them into the log. */
  ingest(events: unknown, contentType?: string): Promise<Response>;
  get(path: string, token: string): Promise<Response>;
  /** Sets the log's clock (events' recorded_at) until the next test, or back to the system clock with null. */
  setLogClock(at: Date | null): void;
  /** The worker as the service builds it, with GitLab played by msw (or absent). */
  jobRunner(gitlab: GitlabClient | null, options?: Partial<JobRunnerOptions>): JobRunner;
}

/** The whole HTTP app over a throwaway database (PGlite or PostgreSQL), with real sanitizer, integrator and keys. */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  const t = useTestDb();
  let deps: AppDeps | undefined;
  let app: Hono<AppEnv> | undefined;
  let ingestToken = '';
  let logClock: Date | null = null;
  const signer = createNoteSigner(signingKey.privateKeyPem, 'flowtrail/test');
  beforeAll(() => {
    const config = testConfig(env);
    const log = createLogger('silent');
    deps = {
      config,
      sql: t.sql,
      dbKind: t.db.kind,
      sanitizer: createSanitizer({ key: Buffer.from(SANITIZER_KEY), customPatterns: [...config.sanitizer.customPatterns], allowlist: [...config.sanitizer.allowlist] }),
      integrator: createIntegrator({ sql: t.sql, signer, origin: config.integrity.origin, checkpointEvents: config.integrity.checkpointEvents, checkpointIntervalMs: 60_000, log, now: () => logClock ?? new Date() }),
      authenticator: createAuthenticator(t.sql),
      webSessions: createWebSessions({ sql: t.sql, key: deriveCookieKey(Buffer.from(SANITIZER_KEY)), publicUrl: config.http.publicUrl, hours: config.auth.webSessionHours }),
      metrics: createMetrics(),
      log,
      verifiers: [parseVerifierKey(signer.verifierKey)],
      origin: 'flowtrail/test',
      secretsKey: deriveSecretsKey(config.streaming.secretsKey, Buffer.from(SANITIZER_KEY)),
    };
    app = createApp(deps);
  });
  beforeEach(async () => {
    deps!.authenticator.forget();
    logClock = null;
    ingestToken = await token('ingest');
  });
  async function token(role: Role, user?: string): Promise<string> {
    return (await createApiToken(t.sql, { role, user: user ?? (role === 'user' ? 'dwhitfield' : undefined), name: `test ${role} ${randomUUID()}` }, { id: 'test' })).token;
  }
  return {
    get app() {
      return app!;
    },
    get deps() {
      return deps!;
    },
    signer,
    get dbUrl() {
      return (t.db as { url?: string }).url;
    },
    token,
    async ingest(events, contentType = 'application/json') {
      const body = typeof events === 'string' ? events : JSON.stringify(events);
      const res = await app!.request('/api/v1/flow-events', { method: 'POST', headers: { authorization: `Bearer ${ingestToken}`, 'content-type': contentType }, body });
      await deps!.integrator.integrate();
      return res;
    },
    setLogClock(at) {
      logClock = at;
    },
    get(path, tok) {
      return app!.request(path, { headers: { authorization: `Bearer ${tok}` } });
    },
    jobRunner(gitlab, options = {}) {
      const d = deps!;
      return new JobRunner({
        sql: d.sql,
        handlers: createJobHandlers({ config: d.config, sql: d.sql, integrator: d.integrator, sanitizer: d.sanitizer, gitlab }),
        ...options,
      });
    },
  };
}
