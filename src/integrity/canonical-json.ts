// RFC 8785 JSON Canonicalization Scheme (JCS), as a direct recursive serializer.
//
// - Object members are sorted by their names as arrays of UTF-16 code units. The default
//   Array#sort comparison does exactly that; localeCompare would not (RFC 8785 §3.2.3).
// - Numbers use ECMAScript Number::toString, which is what String(n) does (§3.2.2.3); -0 is "0".
// - Strings use JSON.stringify escaping (§3.2.2.2): \b \t \n \f \r \" \\, other C0 controls as
//   lowercase \u00xx, everything else literal.
// - Like JSON.stringify: toJSON() is honoured (so a Date becomes its ISO string), object members
//   whose value is undefined are omitted, and undefined inside an array becomes null.
// - Unlike JSON.stringify, anything that is not JSON data throws a TypeError instead of being
//   dropped or mangled: NaN and ±Infinity, undefined at the top level, BigInt, functions,
//   symbols, strings (values or names) with lone surrogates, cycles, and a toJSON() that
//   returns undefined.

const MAX_DEPTH = 1000;
const NEEDS_ESCAPE = /["\\\u0000-\u001f\uD800-\uDFFF]/;
const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface WithToJson {
  toJSON(key: string): unknown;
}

export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new TypeError('canonicalJson: undefined is not JSON');
  return serialize(value, '', 0);
}

function serialize(value: unknown, key: string, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not JSON`);
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw new TypeError('canonicalJson: nesting too deep (cyclic value?)');
      if (Array.isArray(value)) return serializeArray(value, depth + 1);
      if (hasToJson(value)) return serializeConverted(value.toJSON(key), key, depth + 1);
      return serializeObject(value as Record<string, unknown>, depth + 1);
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

function serializeConverted(value: unknown, key: string, depth: number): string {
  if (value === undefined) throw new TypeError(`canonicalJson: toJSON() of "${key}" returned undefined`);
  return serialize(value, key, depth);
}

function serializeArray(items: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    const item = items[i];
    out += item === undefined ? 'null' : serialize(item, String(i), depth);
  }
  return out + ']';
}

function serializeObject(object: Record<string, unknown>, depth: number): string {
  const keys = Object.keys(object);
  if (!isSorted(keys)) keys.sort(); // parsed canonical JSON is already in order: skip the sort
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += quote(key) + ':' + serialize(member, key, depth);
  }
  return out + '}';
}

function quote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`; // most strings: nothing to escape or check
  if (SURROGATE.test(text) && LONE_SURROGATE.test(text)) {
    throw new TypeError('canonicalJson: string contains a lone surrogate (not valid Unicode)');
  }
  return JSON.stringify(text);
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] ?? '') > (keys[i] ?? '')) return false;
  return true;
}

function hasToJson(value: object): value is WithToJson {
  return typeof (value as Partial<WithToJson>).toJSON === 'function';
}
