// C2SP signed notes (c2sp.org/signed-note) with Ed25519, byte-compatible with golang.org/x/mod/sumdb/note:
//
//   <text ending in \n>
//   <blank line>
//   — <key name> <base64(4-byte key ID || 64-byte Ed25519 signature over the text)>
//
// key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4], read big-endian.
// Verifier keys are encoded as `<name>+<key ID as 8 hex digits>+<base64(0x01 || public key)>`.
import crypto, { type KeyObject } from 'node:crypto';
import { CheckpointError } from './checkpoint-error.js';
import { decodeBase64 } from './decode-base64.js';
import { sha256 } from './sha256.js';

export interface NoteSigner {
  readonly name: string;
  readonly keyHash: number;
  readonly verifierKey: string;
  /** Signs `text` (which must end in a newline) and returns the whole note. */
  sign(text: string): string;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyHash: number;
  readonly verifierKey: string;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSignature {
  name: string;
  keyHash: number;
  base64: string;
}

export interface OpenedNote {
  text: string;
  /** Signatures by known keys, all verified. */
  signatures: NoteSignature[];
  /** Signatures by keys the caller did not list; ignored, as the spec requires. */
  unverified: NoteSignature[];
}

const ALG_ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 '; // EM DASH, space
const MAX_SIGNATURES = 100; // as sumdb/note; c2sp.org/signed-note requires accepting at least 16
// Unicode White_Space, which Go's unicode.IsSpace tests; key names may not contain it, nor '+'.
const INVALID_NAME = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/;
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function generateSigningKey(name: string): { privateKeyPem: string; verifierKey: string } {
  assertName(name);
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    verifierKey: encodeVerifierKey(name, rawPublicKey(publicKey)),
  };
}

export function createNoteSigner(privateKeyPem: string, name: string): NoteSigner {
  assertName(name);
  const privateKey = crypto.createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new CheckpointError('malformed key', `expected an Ed25519 private key, got ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = rawPublicKey(crypto.createPublicKey(privateKey));
  const keyHash = computeKeyHash(name, publicKey);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(keyHash);
  return {
    name,
    keyHash,
    verifierKey: encodeVerifierKey(name, publicKey),
    sign(text: string): string {
      if (!text.endsWith('\n') || !isWellFormedText(text)) {
        throw new CheckpointError('malformed note', 'note text must be valid text ending in a newline');
      }
      const signature = crypto.sign(null, Buffer.from(text, 'utf8'), privateKey);
      return `${text}\n${SIGNATURE_PREFIX}${name} ${Buffer.concat([header, signature]).toString('base64')}\n`;
    },
  };
}

/** Parses `<name>+<hex key ID>+<base64(0x01 || public key)>`, checking the key ID. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, rest] = chop(vkey, '+');
  const [hash16, key64] = chop(rest, '+');
  const key = decodeBase64(key64);
  if (!isValidName(name) || !/^[0-9a-fA-F]{8}$/.test(hash16) || key === undefined || key.length === 0) {
    throw new CheckpointError('malformed key', 'expected <name>+<hex8>+<base64 key>');
  }
  const keyHash = Number.parseInt(hash16, 16);
  if (sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), key])).readUInt32BE(0) !== keyHash) {
    throw new CheckpointError('malformed key', 'key ID does not match the key');
  }
  if (key[0] !== ALG_ED25519 || key.length !== 33) {
    throw new CheckpointError('malformed key', 'not an Ed25519 key (algorithm 0x01, 32 bytes)');
  }
  const publicKey = crypto.createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, key.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  return {
    name,
    keyHash,
    verifierKey: vkey,
    verify: (message, signature) => signature.length === 64 && crypto.verify(null, message, publicKey, signature),
  };
}

/**
 * Opens a signed note. Signatures by unlisted keys are ignored; a signature by a listed key must
 * verify ('bad signature' otherwise), and at least one must be present ('unknown key' otherwise).
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  if (!isWellFormedText(note)) throw new CheckpointError('malformed note', 'control character or invalid Unicode');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new CheckpointError('malformed note', 'no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new CheckpointError('malformed note', 'no signature lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new CheckpointError('malformed note', 'too many signatures');
  const message = Buffer.from(text, 'utf8');
  const opened: OpenedNote = { text, signatures: [], unverified: [] };
  const seen = new Set<string>();
  for (const line of lines) {
    const signature = parseSignatureLine(line);
    const id = `${signature.name}+${hex8(signature.keyHash)}`;
    const known = verifiers.filter((v) => v.name === signature.name && v.keyHash === signature.keyHash);
    if (seen.has(known.length === 0 ? line : id)) continue;
    seen.add(known.length === 0 ? line : id);
    const entry = { name: signature.name, keyHash: signature.keyHash, base64: signature.base64 };
    if (known.length === 0) {
      opened.unverified.push(entry);
    } else if (known.some((v) => v.verify(message, signature.bytes))) {
      opened.signatures.push(entry);
    } else {
      throw new CheckpointError('bad signature', `key ${id}`);
    }
  }
  if (opened.signatures.length === 0) throw new CheckpointError('unknown key', 'no signature by a known key');
  return opened;
}

function parseSignatureLine(line: string): NoteSignature & { bytes: Buffer } {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new CheckpointError('malformed note', 'bad signature line');
  const [name, base64] = chop(line.slice(SIGNATURE_PREFIX.length), ' ');
  const raw = decodeBase64(base64);
  if (!isValidName(name) || raw === undefined || raw.length < 5) {
    throw new CheckpointError('malformed note', 'bad signature line');
  }
  return { name, keyHash: raw.readUInt32BE(0), base64, bytes: raw.subarray(4) };
}

function computeKeyHash(name: string, publicKey: Buffer): number {
  return sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ALG_ED25519]), publicKey])).readUInt32BE(0);
}

function encodeVerifierKey(name: string, publicKey: Buffer): string {
  const encoded = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]).toString('base64');
  return `${name}+${hex8(computeKeyHash(name, publicKey))}+${encoded}`;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return der.subarray(ED25519_SPKI_PREFIX.length);
}

function isValidName(name: string): boolean {
  return name !== '' && !INVALID_NAME.test(name) && isWellFormedText(name);
}

function assertName(name: string): void {
  if (!isValidName(name)) throw new CheckpointError('malformed key', `invalid key name ${JSON.stringify(name)}`);
}

/** No ASCII control characters except newline, and encodable as UTF-8 (no lone surrogates). */
function isWellFormedText(text: string): boolean {
  return !CONTROL.test(text) && !LONE_SURROGATE.test(text);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** Splits at the first `separator`, like sumdb/note's chop: everything is `before` if absent. */
function chop(text: string, separator: string): [before: string, after: string] {
  const i = text.indexOf(separator);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + separator.length)];
}
