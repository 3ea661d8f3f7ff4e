import type { AttrValue } from './otlp-span.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How deep nested arrays and key-value lists may go in one attribute. */
const MAX_DEPTH = 16;

/**
 * An OTLP AnyValue as decoded by the OpenTelemetry generated code (one of
 * stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue,
 * bytesValue) as a plain value. 64-bit integers arrive as numbers, strings or
 * Long objects; they become numbers.
 */
export function readAnyValue(v: unknown, depth = 0): AttrValue {
  if (!isObj(v) || depth > MAX_DEPTH) return null;
  const which = typeof v.value === 'string' ? v.value : Object.keys(v).find((k) => k.endsWith('Value') && v[k] != null);
  switch (which) {
    case 'stringValue': return String(v.stringValue);
    case 'boolValue': return v.boolValue === true;
    case 'intValue': return toNumber(v.intValue);
    case 'doubleValue': return typeof v.doubleValue === 'number' ? v.doubleValue : Number(v.doubleValue);
    case 'bytesValue': return v.bytesValue instanceof Uint8Array ? Buffer.from(v.bytesValue).toString('base64') : null;
    case 'arrayValue': {
      const values = isObj(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
      return values.map((x) => readAnyValue(x, depth + 1));
    }
    case 'kvlistValue': {
      const values = isObj(v.kvlistValue) && Array.isArray(v.kvlistValue.values) ? v.kvlistValue.values : [];
      return readKeyValues(values, depth + 1);
    }
    default: return null;
  }
}

/** A KeyValue list as an object; a repeated key keeps its last value, as the collector does. */
export function readKeyValues(list: unknown, depth = 0): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = Object.create(null) as Record<string, AttrValue>;
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (!isObj(kv) || typeof kv.key !== 'string' || kv.key === '') continue;
    out[kv.key] = readAnyValue(kv.value, depth);
  }
  return { ...out };
}

/** A 64-bit integer in any of the forms the generated code produces (number, decimal string, Long). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  if (isObj(v) && typeof v.toNumber === 'function') return (v.toNumber as () => number)();
  return Number.NaN;
}

/** Nanoseconds since the epoch (number, string or Long) as milliseconds with microsecond precision; NaN when unreadable. */
export function nanosToMs(v: unknown): number {
  const text = isObj(v) && typeof v.toString === 'function' && typeof v.toNumber === 'function' ? String(v) : typeof v === 'number' ? v.toFixed(0) : typeof v === 'string' ? v : '';
  if (!/^\d{1,20}$/.test(text)) return Number.NaN;
  return Number(BigInt(text) / 1000n) / 1000;
}
