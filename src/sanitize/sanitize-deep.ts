import { fingerprint } from './fingerprint.js';
import type { Finding } from './redact-text.js';
import { isRedactionToken, redactionToken } from './redaction-token.js';
import { SanitizerInputError } from './sanitizer-input-error.js';
import { sensitiveKeyKind, type SensitiveKind } from './sensitive-key.js';

// Deep sanitizing of JSON-like values: every string in plain objects and
// arrays goes through sanitizeText, and so does every object key; a
// non-empty string under a sensitive key (see sensitive-key.ts), or in an
// array under one, is redacted whole. Numbers, booleans, null and Dates pass
// through. Unchanged subtrees are returned as they are, changed ones are
// copied (with defineProperty, so `__proto__` stays a plain key); the input is
// never mutated. Anything it cannot walk (class instances, Maps, Buffers,
// cycles, nesting deeper than MAX_DEPTH) is refused rather than passed
// through unread.
//
// Keys: a key with a secret or personal data in it is replaced like a string
// value (`{"alice@example.com": 1}` becomes `{"[REDACTED:email:3f2a…]": 1}`).
// Whether the value under it is sensitive is judged on the original key. When
// the sanitized key is already taken in the same object (two keys redacted to
// one placeholder, or a key that already was that text), the later one in
// key order gets `#2`, `#3`, ... appended: nothing is overwritten.

/** Deepest nesting walked (objects and arrays); deeper input is a SanitizerInputError. */
export const MAX_DEPTH = 64;

export interface ValueContext {
  key: Buffer;
  sanitizeText: (text: string) => { text: string; findings: Finding[] };
  findings: Finding[];
  /** Keys already scanned and found clean (shared between calls; holds no secret). */
  cleanKeys: Set<string>;
}

const CLEAN_KEYS_MAX = 8192;

export function sanitizeDeep(value: unknown, ctx: ValueContext, under: SensitiveKind | null, path: Set<object>, depth = 0): unknown {
  if (typeof value === 'string') return sanitizeString(value, ctx, under);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) throw new SanitizerInputError(`the value is nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    enter(value, path);
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = sanitizeDeep(item, ctx, under, path, depth + 1);
      if (next !== item) copy ??= value.slice();
      if (copy !== undefined) copy[i] = next;
    }
    path.delete(value);
    return copy ?? value;
  }
  if (value instanceof Date) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`sanitizeValue cannot read a ${value.constructor?.name ?? 'non-plain object'}; pass JSON-like data`);
  }
  enter(value, path);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  let taken: Set<string> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const item = record[k];
    const name = ctx.cleanKeys.has(k) ? k : sanitizeKey(k, ctx);
    const next = sanitizeDeep(item, ctx, sensitiveKeyKind(k), path, depth + 1);
    if (copy === undefined) {
      if (name === k && next === item) continue;
      copy = Object.create(proto as object | null) as Record<string, unknown>;
      taken = new Set();
      for (let j = 0; j < i; j++) define(copy, taken, keys[j]!, record[keys[j]!]);
    }
    define(copy, taken!, freeName(name, taken!), next);
  }
  path.delete(value);
  return copy ?? value;
}

function sanitizeKey(k: string, ctx: ValueContext): string {
  const result = ctx.sanitizeText(k);
  if (result.text === k) {
    if (ctx.cleanKeys.size >= CLEAN_KEYS_MAX) ctx.cleanKeys.clear();
    ctx.cleanKeys.add(k);
    return k;
  }
  for (const f of result.findings) ctx.findings.push(f);
  return result.text;
}

/** The name itself, or the first of `name#2`, `name#3`, ... not yet in the copy. */
function freeName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name}#${n}`)) n++;
  return `${name}#${n}`;
}

function define(copy: Record<string, unknown>, taken: Set<string>, name: string, value: unknown): void {
  taken.add(name);
  Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
}

function sanitizeString(value: string, ctx: ValueContext, under: SensitiveKind | null): string {
  if (under !== null && value.length > 0 && !isRedactionToken(value)) {
    const fp = fingerprint(ctx.key, value);
    ctx.findings.push({ kind: under, fingerprint: fp, start: 0, end: value.length });
    return redactionToken(under, fp);
  }
  const result = ctx.sanitizeText(value);
  for (const f of result.findings) ctx.findings.push(f);
  return result.text;
}

function enter(value: object, path: Set<object>): void {
  if (path.has(value)) throw new TypeError('sanitizeValue cannot sanitize a circular structure');
  path.add(value);
}
