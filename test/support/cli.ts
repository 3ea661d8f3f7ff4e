import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import type { Database } from '../../src/store/index.js';
import { createTestDatabase, target } from './pg.js';

export interface CliResult {
  code: number;
  /** stdout and stderr, one text. */
  out: string;
}

/** Runs the CLI in this process (runCli) with `env` as it is at each call. */
export function cliRunner(env: Record<string, string>): (...argv: string[]) => Promise<CliResult> {
  return async (...argv) => {
    const out: string[] = [];
    const code = await runCli(argv, env, (s) => out.push(s), (s) => out.push(s));
    return { code, out: out.join('\n') };
  };
}

/**
 * The environment a test file runs the CLI with: its own data directory
 * (flowtrail-<name>-...), a silent log, any free port, its own signing key and
 * origin (flowtrail/<name>-test); on PostgreSQL also FLOWTRAIL_DATABASE_URL of a
 * fresh database, set in beforeAll and dropped in afterAll. Tests may change it.
 */
export function useCliEnv(name: string): Record<string, string> {
  const env: Record<string, string> = {
    FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), `flowtrail-${name}-`)),
    FLOWTRAIL_LOG_LEVEL: 'silent',
    FLOWTRAIL_PORT: '0',
    FLOWTRAIL_SIGNING_KEY: generateSigningKey(`flowtrail/${name}-test`).privateKeyPem,
    FLOWTRAIL_LOG_ORIGIN: `flowtrail/${name}-test`,
  };
  let db: (Database & { url?: string }) | undefined;
  beforeAll(async () => {
    if (target === 'postgres') {
      db = await createTestDatabase();
      env.FLOWTRAIL_DATABASE_URL = db.url!;
    }
  });
  afterAll(async () => {
    await db?.close();
  });
  return env;
}
