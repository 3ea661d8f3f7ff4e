import { fingerprint } from './fingerprint.js';
import type { Finding } from './redact-text.js';
import { isRedactionToken, redactionToken } from './redaction-token.js';
import { sensitiveKeyKind, type SensitiveKind } from './sensitive-key.js';

// Deep sanitizing of JSON-like values: every string in plain objects and
// arrays goes through sanitizeText; object keys are kept; a non-empty string
// under a sensitive key (see sensitive-key.ts), or in an array under one, is
// redacted whole. Numbers, booleans, null and Dates pass through. Unchanged
// subtrees are returned as they are, changed ones are copied; the input is
// never mutated. Anything it cannot walk (class instances, Maps, Buffers,
// cycles) is refused with a TypeError rather than passed through unread.

export interface ValueContext {
  key: Buffer;
  sanitizeText: (text: string) => { text: string; findings: Finding[] };
  findings: Finding[];
}

export function sanitizeDeep(value: unknown, ctx: ValueContext, under: SensitiveKind | null, path: Set<object>): unknown {
  if (typeof value === 'string') return sanitizeString(value, ctx, under);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    enter(value, path);
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = sanitizeDeep(item, ctx, under, path);
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
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(record)) {
    const item = record[k];
    const next = sanitizeDeep(item, ctx, sensitiveKeyKind(k), path);
    if (next !== item && copy === undefined) copy = copyRecord(record);
    if (copy !== undefined) Object.defineProperty(copy, k, { value: next, enumerable: true, writable: true, configurable: true });
  }
  path.delete(value);
  return copy ?? value;
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

function copyRecord(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(record) as object | null) as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    Object.defineProperty(copy, k, { value: record[k], enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
