// Character tests used by the hand-written scanners.

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Letters, digits and `_`: JavaScript's `\w`. */
export function isWord(c: number): boolean {
  return isAlnum(c) || c === 95;
}

export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * True when no letter or digit comes right before `at`. A JSON escape such
 * as `\n` counts as a break, so a token at the start of an escaped line is
 * still seen.
 */
export function startsWord(text: string, at: number): boolean {
  if (at === 0) return true;
  const prev = text.charCodeAt(at - 1);
  if (!isAlnum(prev)) return true;
  return (prev === 110 || prev === 114 || prev === 116) && text.charCodeAt(at - 2) === 92;
}

/** Like startsWord, but a number also may not follow `_` or `.` (versions, identifiers). */
export function startsNumber(text: string, at: number): boolean {
  if (at === 0) return true;
  const prev = text.charCodeAt(at - 1);
  if (prev === 95 || prev === 46) return false;
  return startsWord(text, at);
}
