import type { Config } from '../config.js';
import { createIntegrator, type Integrator } from '../jobs/index.js';
import { createSigner, loadKeys, type Keys } from '../load-keys.js';
import { writeCheckpointToSinks } from '../jobs/checkpoint-sinks.js';
import { migrate, openDatabase, resolveLogOrigin, type Pool } from '../store/index.js';

export interface LocalContext {
  sql: Pool;
  keys: Keys;
  integrator: Integrator;
  origin: string;
  /** This installation's verifier key. */
  verifierKey: string;
}

/**
 * Opens the database for a CLI command (migrating it if needed), runs the
 * command, then sequences whatever the command recorded into the log before
 * closing, so that e.g. a token created offline is audited at once.
 */
export async function withLocalDatabase<T>(config: Config, fn: (ctx: LocalContext) => Promise<T>): Promise<T> {
  const keys = await loadKeys(config);
  const db = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir, max: 2 });
  try {
    await migrate(db.sql);
    const origin = await resolveLogOrigin(db.sql, config.integrity.origin, config.integrity.originExplicit);
    const signer = createSigner(keys, origin);
    const integrator = createIntegrator({
      sql: db.sql,
      signer,
      origin,
      checkpointEvents: config.integrity.checkpointEvents,
      checkpointIntervalMs: config.integrity.checkpointIntervalSeconds * 1000,
      // Checkpoints signed from the CLI reach the external sinks too.
      onCheckpoint: (note, size) => writeCheckpointToSinks(config, note, size),
    });
    const result = await fn({ sql: db.sql, keys, integrator, origin, verifierKey: signer.verifierKey });
    await integrator.integrate();
    return result;
  } finally {
    await db.close();
  }
}
