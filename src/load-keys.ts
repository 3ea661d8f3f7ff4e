import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';
import { createNoteSigner, generateSigningKey, type NoteSigner } from './integrity/index.js';

export interface Keys {
  sanitizerKey: Buffer;
  /** Ed25519 private key (PKCS#8 PEM) for checkpoints; the signer is named after the log's origin. */
  signingKeyPem: string;
  /**
   * The key being retired, when the operator still has it (FLOWTRAIL_PREVIOUS_SIGNING_KEY, or the
   * signing-key.previous.pem `flowtrail keys rotate` leaves): it signs a handover checkpoint over
   * the rotation event, and is forgotten after that.
   */
  previousSigningKeyPem?: string;
  /** The file the previous key came from, removed once the rotation is recorded. */
  previousSigningKeyFile?: string;
}

/** Where `flowtrail keys rotate` moves the retiring key until the next start records the rotation. */
export const PREVIOUS_KEY_FILE = 'signing-key.previous.pem';

/**
 * The HMAC key of the sanitizer and the Ed25519 checkpoint key: from the
 * configuration when set, else generated once into the data directory (mode
 * 0600). Several processes sharing one PostgreSQL must be given the same keys.
 */
export async function loadKeys(config: Config): Promise<Keys> {
  const dir = config.db.dataDir;
  const sanitizerKey =
    config.sanitizer.key !== undefined
      ? Buffer.from(config.sanitizer.key, 'utf8')
      : Buffer.from(await readOrCreate(join(dir, 'sanitizer.key'), () => randomBytes(32).toString('hex')), 'hex');
  const signingKeyPem = config.integrity.signingKey ?? (await readOrCreate(join(dir, 'signing-key.pem'), () => generateSigningKey('flowtrail').privateKeyPem));
  const previousFile = join(dir, PREVIOUS_KEY_FILE);
  const fromFile = config.integrity.previousSigningKey === undefined ? await readFile(previousFile, 'utf8').then((p) => p.trim(), () => undefined) : undefined;
  return {
    sanitizerKey, signingKeyPem,
    ...(config.integrity.previousSigningKey !== undefined ? { previousSigningKeyPem: config.integrity.previousSigningKey } : {}),
    ...(fromFile !== undefined ? { previousSigningKeyPem: fromFile, previousSigningKeyFile: previousFile } : {}),
  };
}

export function createSigner(keys: Keys, origin: string): NoteSigner {
  return createNoteSigner(keys.signingKeyPem, origin);
}

/** The verifier key of this installation's signing key, without creating one (for offline checks). */
export async function existingSigningKey(config: Config): Promise<string | null> {
  if (config.integrity.signingKey !== undefined) return config.integrity.signingKey;
  return readFile(join(config.db.dataDir, 'signing-key.pem'), 'utf8').then((s) => s.trim(), () => null);
}

async function readOrCreate(path: string, make: () => string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const value = make();
  try {
    await writeFile(path, value, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(path, 'utf8')).trim();
    throw err;
  }
  await chmod(path, 0o600);
  return value;
}
