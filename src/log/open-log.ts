import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { NoteSigner } from '../integrity/index.js';
import { createWitness } from './checkpoint-witness.js';
import { createIntegrator, type Integrator } from './integrator.js';
import { createWitnessPublisher, type WitnessPublisher, type WitnessPublisherOptions } from './witness-publisher.js';
import { unlink } from 'node:fs/promises';
import { createNoteSigner } from '../integrity/index.js';
import { createSigner, type Keys } from '../load-keys.js';
import { recordSigningKey, type SigningKeyRecord } from './record-signing-key.js';
import { latestCheckpoint, resolveLogOrigin, type Pool } from '../store/index.js';

export interface OpenLog {
  origin: string;
  signer: NoteSigner;
  integrator: Integrator;
  /** The checkpoint witnesses (FLOWTRAIL_CHECKPOINT_WITNESSES and the two older variables). */
  witnesses: WitnessPublisher;
  /** Whether this start recorded the log's first key, a rotation, or found its key in use. */
  signingKey: SigningKeyRecord['outcome'];
}

export interface OpenLogHooks {
  log?: Logger;
  onWitnessFailure?: (witness: string) => void;
  onWitnessDelivered?: (witness: string, checkpoints: number) => void;
  onAppended?: (n: number) => void;
  fetch?: typeof fetch;
  /** Retry delays of the witnesses (tests shorten them). */
  witnessDelays?: Pick<WitnessPublisherOptions, 'minDelayMs' | 'maxDelayMs'>;
}

/**
 * The log as both `serve` and the CLI open it: its stored origin, the signer
 * named after it, and the integrator, whose checkpoints go to the witnesses
 * wherever they are signed. The latest stored checkpoint is queued for them at
 * once, so one whose delivery a crash cut short reaches them now.
 */
export async function openLog(config: Config, sql: Pool, keys: Keys, hooks: OpenLogHooks = {}): Promise<OpenLog> {
  const origin = await resolveLogOrigin(sql, config.integrity.origin, config.integrity.originExplicit);
  const signer = createSigner(keys, origin);
  const witnesses = createWitnessPublisher(
    config.integrity.witnesses.map((spec) => createWitness(spec, { dataDir: config.db.dataDir, fetch: hooks.fetch })),
    { log: hooks.log, onFailure: hooks.onWitnessFailure, onDelivered: hooks.onWitnessDelivered, ...hooks.witnessDelays },
  );
  const integrator = createIntegrator({
    sql,
    signer,
    origin,
    checkpointEvents: config.integrity.checkpointEvents,
    checkpointIntervalMs: config.integrity.checkpointIntervalSeconds * 1000,
    log: hooks.log,
    onCheckpoint: async (note, size) => witnesses.publish(note, size),
    onAppended: hooks.onAppended,
  });
  const previous = keys.previousSigningKeyPem === undefined ? undefined : createNoteSigner(keys.previousSigningKeyPem, origin);
  const recorded = await recordSigningKey(sql, signer, origin, previous);
  if (recorded.outcome === 'rotated') {
    hooks.log?.warn({ verifierKey: signer.verifierKey, handover: recorded.notes.length > 0 }, recorded.notes.length > 0
      ? 'the signing key was rotated: the retired key signed a handover checkpoint over the rotation, and signs nothing more'
      : 'the signing key was rotated without the retired key at hand (no handover checkpoint): a reader who pinned the old key must be given the new one (docs/security.md#rotating-the-signing-key)');
  }
  // The retired private key has done its last signature: the file `flowtrail keys rotate` left goes.
  if (keys.previousSigningKeyFile !== undefined && previous?.verifierKey !== signer.verifierKey) await unlink(keys.previousSigningKeyFile).catch(() => undefined);
  for (const [note, size] of recorded.notes) witnesses.publish(note, size);
  if (config.integrity.witnesses.length > 0 && recorded.notes.length === 0) {
    const latest = await latestCheckpoint(sql);
    if (latest !== null) witnesses.publish(latest.note, latest.treeSize);
  }
  return { origin, signer, integrator, witnesses, signingKey: recorded.outcome };
}
