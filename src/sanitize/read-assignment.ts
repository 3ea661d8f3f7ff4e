import { CREDENTIAL_WORD, PASSWORD_NAME } from './assignment-names.js';

// Reads `name <op> value` around an `=` or `:` at `at`, for detect-assignment.
// Handles the shapes agents paste: env files, shell, YAML, JSON (also
// JSON-in-JSON with \" quotes), query strings, CLI `--flag=value`, and typed
// declarations such as `password: str = "..."`. Every walk is bounded, so a
// call costs constant time however long the text is.

export interface Assignment {
  /** Lower-cased name. */
  name: string;
  operator: string;
  value: string;
  valueStart: number;
  valueEnd: number;
  quoted: boolean;
  /** Where scanning continues: just after the operator, so tokens inside the value are still seen. */
  resume: number;
}

const MAX_NAME = 80;
const MAX_QUOTED = 1000;
const MAX_UNQUOTED = 500;

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
  const op = readOperator(text, at);
  if (op === null) return null;
  let name = readName(text, at - (op.compound ? 2 : 1));
  if (name === null) return null;
  if (!CREDENTIAL_WORD.test(name.text)) {
    if (op.operator !== '=') return null;
    name = readTypedName(text, name.start);
    if (name === null || !CREDENTIAL_WORD.test(name.text)) return null;
  }
  const lower = name.text.toLowerCase();
  const value = readValue(text, op.end, PASSWORD_NAME.test(lower));
  if (value === null) return null;
  return { name: lower, operator: op.operator, ...value, resume: op.end };
}

function readOperator(text: string, at: number): { operator: string; end: number; compound: boolean } | null {
  const c = text.charCodeAt(at);
  const next = text.charCodeAt(at + 1);
  if (c === 58) {
    if (next === 58) return null;
    return next === 61 ? { operator: ':=', end: at + 2, compound: false } : { operator: ':', end: at + 1, compound: false };
  }
  const prev = text.charCodeAt(at - 1);
  if (prev === 58 || prev === 61) return null;
  const compound = prev === 63 || prev === 33 || prev === 43 || prev === 124 || prev === 38;
  if (next === 62) return { operator: '=>', end: at + 2, compound };
  if (next === 61) {
    let end = at + 1;
    while (text.charCodeAt(end) === 61) end++;
    return { operator: '==', end, compound };
  }
  return { operator: '=', end: at + 1, compound };
}

function readName(text: string, from: number): { text: string; start: number } | null {
  let i = from;
  for (let skipped = 0; skipped < 4 && i >= 0 && isCloser(text.charCodeAt(i)); skipped++) i--;
  const end = i + 1;
  while (i >= 0 && end - i <= MAX_NAME && isNameChar(text.charCodeAt(i))) i--;
  const start = i + 1;
  if (end - start < 3) return null;
  return { text: text.slice(start, end), start };
}

/** For `name: Type = value`, the name before the `:`. */
function readTypedName(text: string, typeStart: number): { text: string; start: number } | null {
  let j = typeStart - 1;
  while (j >= 0 && typeStart - j < 8 && text.charCodeAt(j) === 32) j--;
  if (text.charCodeAt(j) !== 58) return null;
  return readName(text, j - 1);
}

function readValue(
  text: string,
  from: number,
  wide: boolean,
): { value: string; valueStart: number; valueEnd: number; quoted: boolean } | null {
  let j = from;
  for (let n = 0; n < 8 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9); n++) j++;
  const c = text.charCodeAt(j);
  if (isQuote(c)) {
    const close = findClosingQuote(text, j + 1, c);
    if (close === j + 1) return null;
    if (close > 0) return { value: text.slice(j + 1, close), valueStart: j + 1, valueEnd: close, quoted: true };
    return readUnquoted(text, j + 1, wide);
  }
  if (c === 92 && isQuote(text.charCodeAt(j + 1))) {
    const delimiter = text.slice(j, j + 2);
    const close = text.indexOf(delimiter, j + 2);
    if (close === j + 2) return null;
    if (close > 0 && close - j <= MAX_QUOTED) {
      return { value: text.slice(j + 2, close), valueStart: j + 2, valueEnd: close, quoted: true };
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
): { value: string; valueStart: number; valueEnd: number; quoted: boolean } | null {
  let k = from;
  while (k < text.length && k - from < MAX_UNQUOTED && !endsValue(text.charCodeAt(k), wide)) k++;
  while (k > from && isTrailingPunctuation(text.charCodeAt(k - 1))) k--;
  if (k === from) return null;
  return { value: text.slice(from, k), valueStart: from, valueEnd: k, quoted: false };
}

/** `.,:;)]}>` at the end of an unquoted value belong to the sentence, not the value. */
function isTrailingPunctuation(c: number): boolean {
  return c === 46 || c === 44 || c === 58 || c === 59 || c === 41 || c === 93 || c === 125 || c === 62;
}
