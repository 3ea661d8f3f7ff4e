/** Where in a JSON value a problem is, as zod spells paths: keys and array indexes. */
export type JsonPath = (string | number)[];

export interface Unstorable {
  path: JsonPath;
  problem: string;
}

/** A lone UTF-16 surrogate: a high one with no low one after it, or a low one with no high one before it. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

const NUL_PROBLEM = 'contains the NUL character (U+0000), which PostgreSQL cannot store';
const SURROGATE_PROBLEM = 'contains a lone UTF-16 surrogate (half of a pair, from a \\uD800-\\uDFFF escape), which is not Unicode text';
const NUMBER_PROBLEM = 'is a number out of range (it does not fit a 64-bit float, such as 1e999)';

/**
 * The first string, object key or number of a parsed JSON value that cannot
 * be stored as it is: a NUL character (PostgreSQL's text and jsonb refuse it),
 * a lone surrogate (not Unicode; the canonical JSON of the log refuses it) or
 * a number JSON.parse turned into ±Infinity. With `surrogates: false` lone
 * surrogates are not looked for (a caller that replaces them). Iterative, so
 * any depth is walked without recursion; null when everything can be stored.
 */
export function findUnstorable(value: unknown, options: { surrogates?: boolean } = {}): Unstorable | null {
  const surrogates = options.surrogates ?? true;
  const suspect = surrogates ? SUSPECT : /\u0000/;
  const textProblem = (s: string): string | null => {
    if (!suspect.test(s)) return null;
    if (s.includes('\u0000')) return NUL_PROBLEM;
    return LONE_SURROGATE.test(s) ? SURROGATE_PROBLEM : null;
  };
  const found = (node: Node | null, key: string | number | null, problem: string): Unstorable => {
    const path: JsonPath = key === null ? [] : [key];
    for (let n = node; n !== null && n.key !== null; n = n.parent) path.unshift(n.key);
    return { path, problem };
  };
  // Only objects and arrays are pushed; a node knows its parent, so a path is built only for a finding.
  const stack: Node[] = [];
  const visit = (v: unknown, parent: Node | null, key: string | number | null): Unstorable | null => {
    if (typeof v === 'string') {
      const problem = textProblem(v);
      return problem === null ? null : found(parent, key, problem);
    }
    if (typeof v === 'number') return Number.isFinite(v) ? null : found(parent, key, NUMBER_PROBLEM);
    if (typeof v === 'object' && v !== null) stack.push({ value: v, parent, key });
    return null;
  };
  const first = visit(value, null, null);
  if (first !== null) return first;
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const v = node.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const hit = visit(v[i], node, i);
        if (hit !== null) return hit;
      }
      continue;
    }
    for (const k of Object.keys(v)) {
      const problem = textProblem(k);
      if (problem !== null) return found(node, k, `the name ${problem}`);
      const hit = visit((v as Record<string, unknown>)[k], node, k);
      if (hit !== null) return hit;
    }
  }
  return null;
}

interface Node {
  value: object;
  parent: Node | null;
  key: string | number | null;
}

/** A path as `a.b.0.c`; a key that is not a plain name is shown as JSON (escaped, at most 64 characters). */
export function formatPath(path: JsonPath, whole = 'body'): string {
  if (path.length === 0) return whole;
  return path.map((k) => (typeof k === 'number' || /^[A-Za-z0-9_$@-]{1,64}$/.test(k) ? String(k) : JSON.stringify(k.slice(0, 64)))).join('.');
}

/** `path: problem`, the way every surface reports one. */
export function describeUnstorable(u: Unstorable, whole = 'body'): string {
  return `${formatPath(u.path, whole)}: ${u.problem}`;
}

/**
 * The value with every lone surrogate in its strings and keys replaced by
 * U+FFFD, the replacement character (what a UTF-8 decoder does with bytes that
 * are not text); unchanged parts are returned as they are. Recursive: call it
 * on depth-checked input only.
 */
export function replaceLoneSurrogates(value: unknown): unknown {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? value.replace(LONE_SURROGATES, '\uFFFD') : value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const next = replaceLoneSurrogates(item);
      if (next !== item) (copy ??= value.slice())[i] = next;
    });
    return copy ?? value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const next = entries.map(([k, v]) => [replaceLoneSurrogates(k) as string, replaceLoneSurrogates(v)] as const);
  if (next.every(([k, v], i) => k === entries[i]![0] && v === entries[i]![1])) return value;
  const copy: Record<string, unknown> = {};
  // defineProperty keeps "__proto__" a plain key; a later key replaced to an earlier one's text wins, as in JSON.parse.
  for (const [k, v] of next) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}
