import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { NoteSigner } from '../integrity/index.js';
import { writeCheckpointToSinks } from './checkpoint-sinks.js';
import { createIntegrator, type Integrator } from './integrator.js';
import { createSigner, type Keys } from '../load-keys.js';
import { resolveLogOrigin, type Pool } from '../store/index.js';

export interface OpenLog {
  origin: string;
  signer: NoteSigner;
  integrator: Integrator;
}

/**
 * The log as both `serve` and the CLI open it: its stored origin, the signer
 * named after it, and the integrator, whose checkpoints go to the external
 * sinks wherever they are signed.
 */
export async function openLog(config: Config, sql: Pool, keys: Keys, hooks: { log?: Logger; onSinkFailure?: () => void; onAppended?: (n: number) => void } = {}): Promise<OpenLog> {
  const origin = await resolveLogOrigin(sql, config.integrity.origin, config.integrity.originExplicit);
  const signer = createSigner(keys, origin);
  const integrator = createIntegrator({
    sql,
    signer,
    origin,
    checkpointEvents: config.integrity.checkpointEvents,
    checkpointIntervalMs: config.integrity.checkpointIntervalSeconds * 1000,
    log: hooks.log,
    onCheckpoint: (note, size) => writeCheckpointToSinks(config, note, size).catch((err: unknown) => {
      hooks.onSinkFailure?.();
      throw err;
    }),
    onAppended: hooks.onAppended,
  });
  return { origin, signer, integrator };
}
