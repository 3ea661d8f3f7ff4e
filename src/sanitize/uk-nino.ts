// UK National Insurance numbers: two prefix letters, six digits, a suffix
// A-D, optionally spaced in pairs. HMRC never issues D, F, I, Q, U or V as a
// prefix letter, O as the second, or the prefixes BG, GB, KN, NK, NT, TN, ZZ.

const NINO = /[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/y;
const BAD_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** End index of a UK NINO starting at `at`, or -1. */
export function matchUkNino(text: string, at: number): number {
  NINO.lastIndex = at;
  const m = NINO.exec(text);
  if (m === null || BAD_PREFIXES.has(m[0].slice(0, 2))) return -1;
  return at + m[0].length;
}
