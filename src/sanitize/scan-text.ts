import type { Candidate, Detector } from './candidate.js';
import { isDigit, startsNumber, startsWord } from './char-class.js';
import { detectAssignment } from './detect-assignment.js';
import { detectBasic, detectBearer } from './detect-auth-header.js';
import { detectEmail } from './detect-email.js';
import { detectIbanOrNino } from './detect-iban-or-nino.js';
import { detectIpv6 } from './detect-ipv6.js';
import { detectNumber } from './detect-number.js';
import { createPrefixDetector } from './detect-prefixed.js';
import { detectPrivateKey } from './detect-private-key.js';
import { detectUrlPassword } from './detect-url-password.js';
import { keywordPattern } from './keyword-pattern.js';
import { PREFIX_RULES, type PrefixRule } from './rules.js';

// One pass over the text, the keyword pre-filter idea of gitleaks and
// TruffleHog done as a character loop: a table says what each character
// could start (`=`, `:` or `@`; a number; a vendor keyword at the start of a
// word, found by its first two characters; two capitals for an IBAN or NINO;
// `-----BEGIN`). Only there does a detector run, and it looks at a bounded
// neighbourhood, so the scan is linear in the text length. Text without
// candidates costs one loop and no allocation.

const KEYWORD_DETECTORS = buildKeywordDetectors();
const KEYWORDS = keywordPattern([...KEYWORD_DETECTORS.keys()]);

const KEYWORD_AT = new RegExp(KEYWORDS, 'y');

// What each ASCII character can start: 1 an operator (`=`, `:`, `@`), 2 a
// number (digit, `+`, `(`), 3 a keyword, IBAN or NINO (letters and `_`),
// 4 a private key (`-`).
const START = new Uint8Array(128);
for (const ch of '=:@') START[ch.charCodeAt(0)] = 1;
for (const ch of '0123456789+(') START[ch.charCodeAt(0)] = 2;
for (let c = 65; c <= 90; c++) START[c] = 3;
for (let c = 97; c <= 122; c++) START[c] = 3;
START[95] = 3;
START[45] = 4;

/** Marks the first two characters of every keyword, as `c0 << 7 | c1`. */
const KEYWORD_HEAD = new Uint8Array(1 << 14);
for (const keyword of KEYWORD_DETECTORS.keys()) {
  KEYWORD_HEAD[(keyword.charCodeAt(0) << 7) | keyword.charCodeAt(1)] = 1;
}

function buildKeywordDetectors(): Map<string, Detector> {
  const byKeyword = new Map<string, PrefixRule[]>();
  for (const rule of PREFIX_RULES) {
    for (const keyword of rule.keywords) {
      const rules = byKeyword.get(keyword) ?? [];
      rules.push(rule);
      byKeyword.set(keyword, rules);
    }
  }
  const detectors = new Map<string, Detector>();
  for (const [keyword, rules] of byKeyword) detectors.set(keyword, createPrefixDetector(rules));
  for (const keyword of ['Bearer', 'bearer', 'BEARER']) detectors.set(keyword, detectBearer);
  for (const keyword of ['Basic', 'basic', 'BASIC']) detectors.set(keyword, detectBasic);
  return detectors;
}

/**
 * Pushes every candidate found in `text` onto `out`. `skip` holds start/end
 * pairs (in order) of regions never to look into: existing redaction tokens.
 */
export function scanText(text: string, out: Candidate[], skip: readonly number[]): void {
  const n = text.length;
  let s = 0;
  let skipStart = skip.length > 0 ? (skip[0] ?? n) : n;
  for (let i = 0; i < n; i++) {
    if (i >= skipStart) {
      i = (skip[s + 1] ?? n) - 1;
      s += 2;
      skipStart = s < skip.length ? (skip[s] ?? n) : n;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c >= 128) continue;
    const kind = START[c];
    if (kind === 0) continue;
    let resume = -1;
    if (kind === 1) {
      resume = c === 61 ? detectAssignment(text, i, out) : c === 58 ? detectColon(text, i, out) : detectEmail(text, i, out);
    } else if (kind === 2) {
      if (couldStartNumber(text, i, c)) resume = detectNumber(text, i, out);
    } else if (kind === 3) {
      if (startsWord(text, i)) resume = detectWord(text, i, c, out);
    } else if (text.startsWith('-----BEGIN', i)) {
      resume = detectPrivateKey(text, i, out);
    }
    if (resume > i + 1) i = resume - 1;
  }
}

/** A vendor keyword, an IBAN or a NINO at a word start. */
function detectWord(text: string, at: number, c: number, out: Candidate[]): number {
  const next = text.charCodeAt(at + 1);
  if (next < 128 && KEYWORD_HEAD[(c << 7) | next] === 1) {
    KEYWORD_AT.lastIndex = at;
    const keyword = KEYWORD_AT.exec(text)?.[0];
    const detector = keyword === undefined ? undefined : KEYWORD_DETECTORS.get(keyword);
    if (detector !== undefined) {
      const resume = detector(text, at, out);
      if (resume > at + 1) return resume;
    }
  }
  if (c >= 65 && c <= 90 && next >= 65 && next <= 90) return detectIbanOrNino(text, at, out);
  return -1;
}

/**
 * A number is worth a look only in the shapes detect-number handles: `+`
 * then a digit, `(ddd)`, a dotted quad, `ddd-d`/`ddd.d`/`ddd d`, or a digit
 * 2-6 (card issuers) followed by more digits. Plain ids, durations and counts
 * never reach the detector.
 */
function couldStartNumber(text: string, at: number, c: number): boolean {
  if (!startsNumber(text, at)) return false;
  if (c === 43) return isDigit(text.charCodeAt(at + 1));
  if (c === 40) return isDigit(text.charCodeAt(at + 1)) && text.charCodeAt(at + 4) === 41;
  let run = 1;
  while (run < 4 && isDigit(text.charCodeAt(at + run))) run++;
  const next = text.charCodeAt(at + run);
  if (next === 46 && run <= 3) return true;
  if (run === 3 && (next === 45 || next === 46 || next === 32)) return true;
  return run === 4 && c >= 50 && c <= 54 && (isDigit(next) || next === 32 || next === 45);
}

function detectColon(text: string, at: number, out: Candidate[]): number {
  if (text.charCodeAt(at + 1) === 47 && text.charCodeAt(at + 2) === 47) return detectUrlPassword(text, at, out);
  const end = detectIpv6(text, at, out);
  return end > 0 ? end : detectAssignment(text, at, out);
}
