import { Priority, type Candidate } from './candidate.js';
import { SanitizerConfigError } from './sanitizer-config-error.js';

// Operator-supplied patterns and allowlist entries, checked once when the
// sanitizer is created. A custom pattern runs over every text, so it must not
// be able to backtrack catastrophically: a repeated group that itself holds
// an unbounded quantifier, like `(\w+\s?)*`, is refused. (Overlapping
// alternatives such as `(a|aa)+` are not caught by this check.)

export interface CustomPattern {
  kind: string;
  pattern: string;
  flags?: string;
}

export interface CustomRule {
  kind: string;
  regex: RegExp;
}

const KIND = /^[a-z0-9_]+$/;
const FLAGS = /^(?!.*(.).*\1)[imsu]*$/;

export function compileCustomPatterns(patterns: readonly CustomPattern[]): CustomRule[] {
  return patterns.map((p, i) => {
    const where = `customPatterns[${i}]`;
    if (typeof p.kind !== 'string' || !KIND.test(p.kind)) {
      throw new SanitizerConfigError(`${where}: kind ${JSON.stringify(p.kind)} must match /^[a-z0-9_]+$/`);
    }
    const label = `${where} (${p.kind})`;
    const flags = p.flags ?? '';
    if (!FLAGS.test(flags)) {
      throw new SanitizerConfigError(`${label}: flags ${JSON.stringify(flags)} are not supported; use any of i, m, s, u`);
    }
    const regex = compile(p.pattern, `${flags}g`, label);
    if (new RegExp(regex.source, flags).test('')) {
      throw new SanitizerConfigError(`${label}: pattern /${p.pattern}/ matches the empty string`);
    }
    assertNoNestedQuantifier(p.pattern, label);
    return { kind: p.kind, regex };
  });
}

/** Each entry must match a finding's text in full for the finding to be dropped. */
export function compileAllowlist(entries: readonly string[]): RegExp[] {
  return entries.map((source, i) => {
    const label = `allowlist[${i}]`;
    if (typeof source !== 'string' || source.length === 0) {
      throw new SanitizerConfigError(`${label}: entry must be a non-empty regular expression source`);
    }
    compile(source, '', label);
    assertNoNestedQuantifier(source, label);
    return new RegExp(`^(?:${source})$`);
  });
}

export function scanCustomRules(text: string, rules: readonly CustomRule[], out: Candidate[]): void {
  for (const rule of rules) {
    const regex = rule.regex;
    regex.lastIndex = 0;
    for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      out.push({ start: m.index, end: m.index + m[0].length, kind: rule.kind, priority: Priority.custom });
    }
  }
}

function compile(source: unknown, flags: string, label: string): RegExp {
  if (typeof source !== 'string' || source.length === 0) {
    throw new SanitizerConfigError(`${label}: pattern must be a non-empty string`);
  }
  try {
    return new RegExp(source, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SanitizerConfigError(`${label}: /${source}/ is not a valid regular expression (${reason})`, { cause: err });
  }
}

function assertNoNestedQuantifier(source: string, label: string): void {
  if (hasNestedQuantifier(source)) {
    throw new SanitizerConfigError(
      `${label}: /${source}/ repeats a group that contains an unbounded quantifier, which can backtrack catastrophically`,
    );
  }
}

/** A quantifier at `i`: whether it repeats more than once, and whether it is unbounded. */
function readQuantifier(src: string, i: number): { end: number; repeats: boolean; unbounded: boolean } {
  const ch = src[i];
  let end = i;
  let repeats = false;
  let unbounded = false;
  if (ch === '*' || ch === '+') {
    end = i + 1;
    repeats = true;
    unbounded = true;
  } else if (ch === '?') {
    end = i + 1;
  } else if (ch === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
    if (m !== null) {
      end = i + m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      repeats = max > 1;
      unbounded = max === Infinity;
    }
  }
  if (end > i && src[end] === '?') end++;
  return { end, repeats, unbounded };
}

export function hasNestedQuantifier(src: string): boolean {
  const groups: boolean[] = [false];
  const mark = (): void => {
    groups[groups.length - 1] = true;
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '(') {
      groups.push(false);
      i++;
      continue;
    }
    if (ch === ')') {
      const inner = groups.length > 1 ? (groups.pop() ?? false) : false;
      const q = readQuantifier(src, i + 1);
      if (inner && q.repeats) return true;
      if (inner || q.unbounded) mark();
      i = q.end > i + 1 ? q.end : i + 1;
      continue;
    }
    if (ch === '\\') i += 2;
    else if (ch === '[') i = skipClass(src, i);
    else i++;
    const q = readQuantifier(src, i);
    if (q.unbounded) mark();
    if (q.end > i) i = q.end;
  }
  return false;
}

function skipClass(src: string, open: number): number {
  let i = open + 1;
  if (src[i] === '^') i++;
  if (src[i] === ']') i++;
  while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}
