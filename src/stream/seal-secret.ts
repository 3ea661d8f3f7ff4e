import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The key that seals destination tokens: FLOWTRAIL_SECRETS_KEY when set (32
 * bytes, hex or base64), else derived with HKDF-SHA256 from the sanitizer key,
 * which every replica already shares.
 */
export function deriveSecretsKey(configured: string | undefined, sanitizerKey: Buffer): Buffer {
  if (configured !== undefined) return parseSecretsKey(configured);
  return Buffer.from(hkdfSync('sha256', sanitizerKey, Buffer.alloc(0), 'flowtrail streaming destination secrets', 32));
}

/** 64 hex characters or the base64 of 32 bytes. */
export function parseSecretsKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('FLOWTRAIL_SECRETS_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/**
 * AES-256-GCM with a random 96-bit nonce; the destination id is the
 * additional data, so a sealed token copied to another row does not open.
 * Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
 */
export function sealSecret(key: Buffer, plaintext: string, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Opens what sealSecret sealed; throws when the key, the context or any byte differs. */
export function openSecret(key: Buffer, sealed: Buffer, context: string): string {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('the sealed secret is not in a known layout');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}
