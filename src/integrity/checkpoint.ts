// C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the signed tree head of a Merkle log.
//
//   <origin>\n<tree size in decimal>\n<base64 root hash>\n[<extension line>\n ...]
//
// carried as the text of a signed note (signed-note.ts).
import { CheckpointError } from './checkpoint-error.js';
import { decodeBase64 } from './decode-base64.js';
import { openNote, type NoteSigner, type NoteVerifier } from './signed-note.js';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  extensions: string[];
}

export interface CheckpointInput {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}

export type OpenedCheckpoint = Checkpoint & { note: string };

const SIZE = /^(0|[1-9][0-9]*)$/;
const CONTROL = /[\u0000-\u001f]/;

export function formatCheckpoint(cp: CheckpointInput): string {
  const extensions = cp.extensions ?? [];
  if (!isLine(cp.origin)) throw malformed('origin must be a non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw malformed('size must be a non-negative safe integer');
  if (cp.rootHash.length !== 32) throw malformed('root hash must be 32 bytes');
  if (!extensions.every(isLine)) throw malformed('extension lines must be non-empty lines');
  const root = Buffer.from(cp.rootHash.buffer, cp.rootHash.byteOffset, cp.rootHash.length).toString('base64');
  return [cp.origin, String(cp.size), root, ...extensions].map((line) => `${line}\n`).join('');
}

/** Strict parse of checkpoint text; throws CheckpointError('malformed checkpoint'). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('text must end in a newline');
  const [origin = '', size = '', root = '', ...extensions] = text.slice(0, -1).split('\n');
  if (!isLine(origin)) throw malformed('origin must be a non-empty line');
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) throw malformed('size must be decimal without leading zeros');
  const rootHash = decodeBase64(root);
  if (rootHash === undefined || rootHash.length !== 32) throw malformed('root hash must be base64 of 32 bytes');
  if (!extensions.every(isLine)) throw malformed('extension lines must be non-empty');
  return { origin, size: Number(size), rootHash, extensions };
}

export function signCheckpoint(cp: CheckpointInput, signer: NoteSigner): string {
  return signer.sign(formatCheckpoint(cp));
}

/** Verifies the note's signatures (at least one by a listed key) and parses its checkpoint. */
export function openCheckpoint(note: string, verifiers: readonly NoteVerifier[]): OpenedCheckpoint {
  const { text } = openNote(note, verifiers);
  return { ...parseCheckpoint(text), note };
}

function isLine(line: string): boolean {
  return line !== '' && !CONTROL.test(line);
}

function malformed(detail: string): CheckpointError {
  return new CheckpointError('malformed checkpoint', detail);
}
