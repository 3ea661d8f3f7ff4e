import { Priority, type Candidate, type Detector } from './candidate.js';
import { isAlnum, startsWord } from './char-class.js';
import { shannonEntropy } from './entropy.js';
import { hasPlaceholderMarks } from './placeholder.js';
import type { PrefixRule } from './rules.js';

/**
 * A detector that tries each rule (sharing one keyword) at the keyword hit.
 * When none matches, scanning resumes after the whole run of token
 * characters, so a long run such as `eyJ-eyJ-eyJ-...` costs one attempt,
 * not one per keyword inside it.
 */
export function createPrefixDetector(rules: readonly PrefixRule[]): Detector {
  return (text, at, out) => {
    if (!startsWord(text, at)) return at + 1;
    for (const rule of rules) {
      const end = matchRule(rule, text, at, out);
      if (end > 0) return end;
    }
    return endOfRun(text, at);
  };
}

function endOfRun(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

function isTokenChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45;
}

function matchRule(rule: PrefixRule, text: string, at: number, out: Candidate[]): number {
  rule.pattern.lastIndex = at;
  const m = rule.pattern.exec(text);
  if (m === null) return -1;
  const end = at + m[0].length;
  const secret = rule.secretGroup === undefined ? m[0] : m[rule.secretGroup];
  if (secret === undefined || secret.length === 0) return -1;
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return -1;
  if (hasPlaceholderMarks(secret)) return -1;
  if (rule.validate && !rule.validate(secret)) return -1;
  let start = end - secret.length;
  if (rule.withScheme) start = extendOverScheme(text, start);
  out.push({ start, end, kind: rule.kind, priority: Priority.vendor });
  return end;
}

function extendOverScheme(text: string, start: number): number {
  if (start >= 8 && text.startsWith('https://', start - 8)) return start - 8;
  if (start >= 7 && text.startsWith('http://', start - 7)) return start - 7;
  return start;
}
