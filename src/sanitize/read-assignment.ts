import { PASSWORD_NAME } from './assignment-names.js';

// Reads `name <op> value` around an `=` or `:` at `at`, for detect-assignment.
// Handles the shapes agents paste: env files, shell, YAML, JSON (also
// JSON-in-JSON with \" quotes), query strings, CLI `--flag=value`, and typed
// declarations such as `password: str = "..."`. Every walk is bounded, so a
// call costs constant time however long the text is.

export interface Assignment {
  /** Lower-cased name. */
  name: string;
  operator: string;
  valueStart: number;
  valueEnd: number;
  quoted: boolean;
  /** Where scanning continues: just after the operator, so tokens inside the value are still seen. */
  resume: number;
}

const MAX_NAME = 80;
const MAX_QUOTED = 1000;

// Where the last unquoted value read ended. In `a=b=c=...` every later value
// ends at the same place, so the next read starts from there instead of
// walking the same characters again: unquoted values cost linear time in
// total however dense the operators are.
let lastText = '';
let lastFrom = -1;
let lastEnd = -1;
let lastWide = false;

/** Drops the cached text so it is not kept alive after a scan. */
export function forgetLastValue(): void {
  lastText = '';
  lastFrom = -1;
  lastEnd = -1;
}

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
}

/** Characters between a name and its operator: spaces, quotes, `\` and `]`. */
function isCloser(c: number): boolean {
  return c === 32 || c === 9 || c === 34 || c === 39 || c === 96 || c === 92 || c === 93;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/** Ends an unquoted value: whitespace, quotes, `,;&\<>` and, unless `wide`, brackets and `|`. */
function endsValue(c: number, wide: boolean): boolean {
  if (c <= 32 || isQuote(c) || c === 44 || c === 59 || c === 38 || c === 92 || c === 60 || c === 62) return true;
  return !wide && (c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125 || c === 124);
}

export function readAssignment(text: string, at: number): Assignment | null {
  const c = text.charCodeAt(at);
  const next = text.charCodeAt(at + 1);
  let operator = c === 58 ? ':' : '=';
  let opEnd = at + 1;
  let nameFrom = at - 1;
  if (c === 58) {
    if (next === 58) return null;
    if (next === 61) {
      operator = ':=';
      opEnd = at + 2;
    }
  } else {
    const prev = text.charCodeAt(at - 1);
    if (prev === 58 || prev === 61) return null;
    if (prev === 63 || prev === 33 || prev === 43 || prev === 124 || prev === 38) nameFrom = at - 2;
    if (next === 62) {
      operator = '=>';
      opEnd = at + 2;
    } else if (next === 61) {
      operator = '==';
      while (text.charCodeAt(opEnd) === 61) opEnd++;
    }
  }
  let nameEnd = nameEndFrom(text, nameFrom);
  let nameStart = findNameStart(text, nameEnd);
  if (nameStart < 0) return null;
  if (!hasCredentialWord(text, nameStart, nameEnd)) {
    if (operator !== '=') return null;
    const typed = typedNameFrom(text, nameStart);
    if (typed < 0) return null;
    nameEnd = nameEndFrom(text, typed);
    nameStart = findNameStart(text, nameEnd);
    if (nameStart < 0 || !hasCredentialWord(text, nameStart, nameEnd)) return null;
  }
  const lower = text.slice(nameStart, nameEnd).toLowerCase();
  const value = readValue(text, opEnd, PASSWORD_NAME.test(lower));
  if (value === null) return null;
  return { name: lower, operator, ...value, resume: opEnd };
}

/** The name ends where the closers before the operator begin. */
function nameEndFrom(text: string, from: number): number {
  let i = from;
  for (let skipped = 0; skipped < 4 && i >= 0 && isCloser(text.charCodeAt(i)); skipped++) i--;
  return i + 1;
}

// Letters seen in the last name read, one bit per letter a-z. A name can
// hold a credential word only if it has all of that word's letters, which
// rules out almost every name (`path`, `offset`, `status`) without a search.
let nameLetters = 0;

const WORD_LETTERS = ['pass', 'pwd', 'secret', 'token', 'key', 'auth', 'cred'].map(letterMask);

function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) mask |= 1 << ((word.charCodeAt(i) | 0x20) - 97);
  return mask;
}

/** Start of a name of 3 to 80 characters ending at `end`, or -1. Sets nameLetters. */
function findNameStart(text: string, end: number): number {
  let i = end - 1;
  let letters = 0;
  while (i >= 0 && end - i <= MAX_NAME) {
    const c = text.charCodeAt(i);
    if (!isNameChar(c)) break;
    const lower = (c | 0x20) - 97;
    if (lower >= 0 && lower < 26) letters |= 1 << lower;
    i--;
  }
  nameLetters = letters;
  return end - (i + 1) < 3 ? -1 : i + 1;
}

/**
 * Whether text[start, end) contains, in any case, one of the words that make
 * a name worth reading on: pass, pwd, secret, token, key, auth, cred. Done by
 * hand because it runs for every `=` and `:` in the text.
 */
function hasCredentialWord(text: string, start: number, end: number): boolean {
  let possible = false;
  for (const mask of WORD_LETTERS) if ((nameLetters & mask) === mask) possible = true;
  if (!possible) return false;
  for (let i = start; i < end; i++) {
    switch (text.charCodeAt(i) | 0x20) {
      case 112: // p
        if (hasWordAt(text, i, end, 'pass') || hasWordAt(text, i, end, 'pwd')) return true;
        break;
      case 115: // s
        if (hasWordAt(text, i, end, 'secret')) return true;
        break;
      case 116: // t
        if (hasWordAt(text, i, end, 'token')) return true;
        break;
      case 107: // k
        if (hasWordAt(text, i, end, 'key')) return true;
        break;
      case 97: // a
        if (hasWordAt(text, i, end, 'auth')) return true;
        break;
      case 99: // c
        if (hasWordAt(text, i, end, 'cred')) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

/** `word` (lower case) at `at`, compared case-insensitively, ending by `end`. */
function hasWordAt(text: string, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let k = 1; k < word.length; k++) {
    if ((text.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function typedNameFrom(text: string, typeStart: number): number {
  let j = typeStart - 1;
  while (j >= 0 && typeStart - j < 8 && text.charCodeAt(j) === 32) j--;
  return text.charCodeAt(j) === 58 ? j - 1 : -1;
}

function readValue(
  text: string,
  from: number,
  wide: boolean,
): { valueStart: number; valueEnd: number; quoted: boolean } | null {
  let j = from;
  for (let n = 0; n < 8 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9); n++) j++;
  const c = text.charCodeAt(j);
  if (isQuote(c)) {
    const close = findClosingQuote(text, j + 1, c);
    if (close === j + 1) return null;
    if (close > 0) return { valueStart: j + 1, valueEnd: close, quoted: true };
    return readUnquoted(text, j + 1, wide);
  }
  if (c === 92 && isQuote(text.charCodeAt(j + 1))) {
    const delimiter = text.slice(j, j + 2);
    const close = text.indexOf(delimiter, j + 2);
    if (close === j + 2) return null;
    if (close > 0 && close - j <= MAX_QUOTED) {
      return { valueStart: j + 2, valueEnd: close, quoted: true };
    }
    return readUnquoted(text, j + 2, wide);
  }
  return readUnquoted(text, j, wide);
}

function findClosingQuote(text: string, from: number, quote: number): number {
  for (let k = from; k < text.length && k - from <= MAX_QUOTED; k++) {
    const c = text.charCodeAt(k);
    if (c === quote) return k;
    if (c === 10 || c === 13) return -1;
    if (c === 92) k++;
  }
  return -1;
}

function readUnquoted(
  text: string,
  from: number,
  wide: boolean,
): { valueStart: number; valueEnd: number; quoted: boolean } | null {
  let k = from;
  if (text === lastText && wide === lastWide && from >= lastFrom && from <= lastEnd) k = lastEnd;
  else while (k < text.length && !endsValue(text.charCodeAt(k), wide)) k++;
  lastText = text;
  lastFrom = from;
  lastEnd = k;
  lastWide = wide;
  while (k > from && isTrailingPunctuation(text.charCodeAt(k - 1))) k--;
  if (k === from) return null;
  return { valueStart: from, valueEnd: k, quoted: false };
}

/** `.,:;)]}>` at the end of an unquoted value belong to the sentence, not the value. */
function isTrailingPunctuation(c: number): boolean {
  return c === 46 || c === 44 || c === 58 || c === 59 || c === 41 || c === 93 || c === 125 || c === 62;
}
