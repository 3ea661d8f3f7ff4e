import type { Config } from '../config.js';
import { openLog, type Integrator } from '../log/index.js';
import { loadKeys, type Keys } from '../load-keys.js';
import { migrate, openDatabase, type Pool } from '../store/index.js';

export interface LocalContext {
  sql: Pool;
  keys: Keys;
  integrator: Integrator;
  origin: string;
  /** This installation's verifier key. */
  verifierKey: string;
}

/**
 * Opens the database for a CLI command (migrating it if needed, unless
 * FLOWTRAIL_MIGRATION_DATABASE_URL says the owner migrates: the service's
 * role may not, as with serve), runs the
 * command, then sequences whatever the command recorded into the log before
 * closing, so that e.g. a token created offline is audited at once.
 */
export async function withLocalDatabase<T>(config: Config, fn: (ctx: LocalContext) => Promise<T>): Promise<T> {
  const keys = await loadKeys(config);
  const db = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir, max: 2 });
  try {
    if (config.db.migrationUrl === undefined) await migrate(db.sql);
    const { origin, signer, integrator, witnesses } = await openLog(config, db.sql, keys);
    try {
      const result = await fn({ sql: db.sql, keys, integrator, origin, verifierKey: signer.verifierKey });
      await integrator.integrate();
      return result;
    } finally {
      // Checkpoints this command signed go to the witnesses before it exits (the service re-sends the latest at its next start).
      for (const b of await witnesses.flush(15_000)) process.stderr.write(`flowtrail: checkpoint witness ${b.witness} did not take ${b.pending} checkpoint(s): ${b.error}\n`);
      witnesses.stop();
    }
  } finally {
    await db.close();
  }
}
