import crypto from 'node:crypto';
import { catalog, isEventName } from '../events.js';
import { TEXT_DOMAIN } from '../integrity/index.js';
import { isoMicros } from './iso-micros.js';
import { inRanges } from './check-stored-row.js';

const TEXT_FIELDS = [...new Set(Object.values(catalog).flatMap((e) => e.textFields))];
const QUOTE = 34;
const BACKSLASH = 92;
const DATA = '{"data":{';
const PLACEHOLDER = '{"$commitment":"';
const COMMITMENT_KEY = '"$commitment"';
const HEX_LENGTH = 64;
const oneShot = typeof crypto.hash === 'function';

/** What the fast check made of one line: a leaf for verifyLog and how many texts matched, or null where only the full check can judge. */
export interface LineCheck {
  seq: number;
  leaf: string | null;
  leafHash: Buffer;
  /** Texts that matched their commitments; -1 when the row needs the full check (checkStoredRow). */
  texts: number;
}

/**
 * The hot path of `flowtrail verify` for one line of verifyLineBatches: the
 * same verdict as checkStoredRow where it can be reached by comparing strings
 * and hashing, "needs the full check" (texts -1) everywhere else. It never
 * reports a problem itself, so a row it cannot vouch for is judged, and its
 * problems worded, by checkStoredRow alone. Why each shortcut is sound:
 *
 * - The leaf is the canonical JSON flowtrail hashed (verifyLog checks its hash
 *   and every signed root over it; --deep checks it is canonical). Its members
 *   are sorted: "data" first, then only scalars. Data's own members are walked
 *   structurally (strings skipped whole, nesting counted), so a placeholder
 *   found there is a member of data itself, never one nested inside a value a
 *   sender chose.
 * - Indexed columns: PostgreSQL writes each as to_json of the column, the text
 *   the leaf holds when they agree. Equal JSON string literals decode to equal
 *   strings, so equal text means equal values; any other spelling falls back.
 *   The two timestamps are compared as microseconds, as checkStoredRow does.
 * - Commitments: every "$commitment" in the leaf must be one of data's exact
 *   placeholders {"$commitment":"<64 hex>"} (counted over the whole leaf; a
 *   count that differs falls back), so the placeholders found are all the
 *   commitments JSON.parse would see, with the same values.
 * - Texts: each member of the jsonb text is hashed as printed (a string) or
 *   with only the blanks jsonb adds after "," and ":" removed (arrays,
 *   objects). Those bytes decode to the value a reader is shown. When the hash
 *   equals the leaf's commitment, which is SHA-256 over the canonical JSON of
 *   the committed value, the bytes are that canonical JSON (collision
 *   resistance), so the reader is shown the committed value. A hash that
 *   differs (another number spelling, another key order) falls back.
 */
export function checkVerifyLine(line: string, erased: readonly [number, number][]): LineCheck {
  const f = splitLine(line);
  const seq = Number(f[0]);
  const leafHash = Buffer.from(f[2]!, 'hex');
  if (f[1] === 'p') return { seq, leaf: null, leafHash, texts: 0 };
  const leaf = f[11]!;
  const unsure = { seq, leaf, leafHash, texts: -1 };
  const dataEnd = scanData(leaf);
  if (dataEnd < 0) return unsure;
  // The indexed columns, in the leaf's key order; source_id and source_type are the leaf's alone.
  let at = dataEnd + 1;
  if (!leaf.startsWith(f[5]!, at)) return unsure;
  at += f[5]!.length;
  const occurred = stringAt(leaf, at);
  if (occurred === null || !sameInstant(leaf.slice(at + 1, occurred), f[6]!)) return unsure;
  at = occurred + 1;
  if (!leaf.startsWith(f[7]!, at)) return unsure;
  at += f[7]!.length;
  const recorded = stringAt(leaf, at);
  if (recorded === null || !sameInstant(leaf.slice(at + 1, recorded), f[8]!)) return unsure;
  at = recorded + 1;
  if (!leaf.startsWith(f[9]!, at)) return unsure;
  at = scalarEnd(leaf, at + f[9]!.length);
  if (!leaf.startsWith(',"source_type":', at)) return unsure;
  at = scalarEnd(leaf, at + 15);
  if (!leaf.startsWith(f[10]!, at) || !closesWithInteger(leaf, at + f[10]!.length)) return unsure;
  if (countOf(leaf, COMMITMENT_KEY) !== found.size) return unsure;

  const typeLiteral = f[4]!;
  const type = typeLiteral.slice(1, -1);
  const fields = isEventName(type) ? catalog[type].textFields : TEXT_FIELDS;
  const texts = f[12]!;
  if (texts === '') {
    for (const field of fields) if (indexOfName(found, field) >= 0 && !inRanges(seq, erased)) return unsure;
    return { seq, leaf, leafHash, texts: 0 };
  }
  const salt = f[3]!;
  if (salt.length === 0 || salt.length % 2 !== 0) return unsure;
  const matched = matchTexts(texts, salt, fields);
  return matched < 0 ? unsure : { seq, leaf, leafHash, texts: matched };
}

function splitLine(line: string): string[] {
  const fields: string[] = [];
  let from = 0;
  for (let i = 0; i < 12; i++) {
    const tab = line.indexOf('\t', from);
    fields.push(line.slice(from, tab));
    from = tab + 1;
  }
  fields.push(line.slice(from));
  return fields;
}

/**
 * Data's own members whose value is exactly a placeholder, reused from row to row (no Map per
 * event: verify reads hundreds of thousands): their names, hex and whether a text matched each.
 */
interface Placeholders {
  size: number;
  names: string[];
  hex: string[];
  matched: boolean[];
}
const found: Placeholders = { size: 0, names: [], hex: [], matched: [] };

function indexOfName(p: Placeholders, name: string): number {
  for (let i = 0; i < p.size; i++) if (p.names[i] === name) return i;
  return -1;
}

/** Fills `found` with data's placeholders and returns where data ends; -1 when the walk is not conclusive. */
function scanData(leaf: string): number {
  found.size = 0;
  if (!leaf.startsWith(DATA)) return -1;
  let i = DATA.length;
  if (leaf.charCodeAt(i) === 125) return i;
  for (;;) {
    const keyEnd = stringAt(leaf, i);
    if (keyEnd === null || leaf.charCodeAt(keyEnd + 1) !== 58) return -1;
    const key = leaf.slice(i + 1, keyEnd);
    if (key.includes('\\')) return -1;
    const value = keyEnd + 2;
    const closing = value + PLACEHOLDER.length + HEX_LENGTH;
    if (leaf.startsWith(PLACEHOLDER, value) && leaf.charCodeAt(closing) === QUOTE && leaf.charCodeAt(closing + 1) === 125) {
      if (indexOfName(found, key) >= 0) return -1;
      found.names[found.size] = key;
      found.hex[found.size] = leaf.slice(value + PLACEHOLDER.length, closing);
      found.matched[found.size++] = false;
      i = closing + 2;
    } else {
      i = valueEnd(leaf, value);
      if (i < 0) return -1;
    }
    const c = leaf.charCodeAt(i);
    if (c === 125) return i;
    if (c !== 44) return -1;
    i++;
  }
}

/**
 * Hashes each member of jsonb's text of the texts against data's placeholder of that name;
 * the number matched, or -1 when any member does not match or a committed text is absent.
 */
function matchTexts(texts: string, saltHex: string, fields: readonly string[]): number {
  const prefix = TEXT_DOMAIN.length + saltHex.length / 2;
  let buffer = scratch(prefix + 16);
  buffer.write(saltHex, TEXT_DOMAIN.length, 'hex');
  let matched = 0;
  let i = 1;
  if (texts.charCodeAt(i) !== 125) {
    for (;;) {
      const keyEnd = stringAt(texts, i);
      if (keyEnd === null || texts.charCodeAt(keyEnd + 1) !== 58 || texts.charCodeAt(keyEnd + 2) !== 32) return -1;
      const key = texts.slice(i + 1, keyEnd);
      const end = valueEnd(texts, keyEnd + 3);
      if (end < 0 || key.includes('\\')) return -1;
      const raw = texts.slice(keyEnd + 3, end);
      const canonical = raw.charCodeAt(0) === 91 || raw.charCodeAt(0) === 123 ? compact(raw) : raw;
      const at = indexOfName(found, key);
      if (at < 0) return -1;
      if (buffer.length < prefix + 3 * (key.length + canonical.length) + 1) {
        buffer = scratch(prefix + 3 * (key.length + canonical.length) + 1);
        buffer.write(saltHex, TEXT_DOMAIN.length, 'hex');
      }
      let n = prefix + buffer.write(key, prefix, 'utf8');
      buffer[n++] = 0;
      n += buffer.write(canonical, n, 'utf8');
      const input = buffer.subarray(0, n);
      const digest = oneShot ? crypto.hash('sha256', input, 'hex') : crypto.createHash('sha256').update(input).digest('hex');
      if (digest !== found.hex[at]) return -1;
      matched++;
      found.matched[at] = true;
      const c = texts.charCodeAt(end);
      if (c === 125) break;
      if (c !== 44 || texts.charCodeAt(end + 1) !== 32) return -1;
      i = end + 2;
    }
  }
  for (const field of fields) {
    const at = indexOfName(found, field);
    if (at >= 0 && found.matched[at] !== true) return -1;
  }
  return matched;
}

let pool = Buffer.alloc(0);
/** A reused buffer that starts with the commitment domain, at least `size` bytes long. */
function scratch(size: number): Buffer {
  if (pool.length < size) {
    pool = Buffer.alloc(Math.max(size, 16_384));
    TEXT_DOMAIN.copy(pool, 0);
  }
  return pool;
}

/** An array or object as jsonb prints it, without the blank jsonb puts after each "," and ":" (strings untouched). */
function compact(json: string): string {
  let out = '';
  let from = 0;
  for (let q = json.indexOf('"'); q >= 0; ) {
    const end = closingQuote(json, q);
    if (end < 0) return json;
    out += json.slice(from, q).replaceAll(', ', ',').replaceAll(': ', ':') + json.slice(q, end + 1);
    from = end + 1;
    q = json.indexOf('"', from);
  }
  return out + json.slice(from).replaceAll(', ', ',').replaceAll(': ', ':');
}

/** Whether an ISO date-time from a leaf and a column's microseconds since the epoch name the same instant. */
function sameInstant(iso: string, micros: string): boolean {
  return !iso.includes('\\') && isoMicros(iso) === Number(micros);
}

/** The index of the closing quote of the string that opens at `open`, or null when none opens there. */
function stringAt(json: string, open: number): number | null {
  if (json.charCodeAt(open) !== QUOTE) return null;
  const end = closingQuote(json, open);
  return end < 0 ? null : end;
}

/** Where a string or literal member value that starts at `from` ends. */
function scalarEnd(json: string, from: number): number {
  if (json.charCodeAt(from) === QUOTE) return closingQuote(json, from) + 1;
  let i = from;
  while (i < json.length && json.charCodeAt(i) !== 44 && json.charCodeAt(i) !== 125) i++;
  return i;
}

/** Where the JSON value that starts at `from` ends (strings skipped whole, nesting counted); -1 when it does not. */
function valueEnd(json: string, from: number): number {
  const first = json.charCodeAt(from);
  if (first !== 91 && first !== 123) {
    const end = scalarEnd(json, from);
    return end > from ? end : -1;
  }
  let depth = 0;
  for (let i = from; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      i = closingQuote(json, i);
      if (i < 0) return -1;
    } else if (c === 91 || c === 123) {
      depth++;
    } else if ((c === 93 || c === 125) && --depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

function closingQuote(json: string, open: number): number {
  let end = json.indexOf('"', open + 1);
  while (end > 0 && isEscaped(json, end)) end = json.indexOf('"', end + 1);
  return end;
}

function isEscaped(json: string, at: number): boolean {
  let backslashes = 0;
  while (json.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

/** Whether the text from `from` is an integer literal and the closing brace, to its end. */
function closesWithInteger(text: string, from: number): boolean {
  let i = from;
  while (i < text.length - 1 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return i > from && i === text.length - 1 && text.charCodeAt(i) === 125;
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}
