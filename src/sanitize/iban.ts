// IBANs: a registered country code, the length that country uses, and the
// ISO 7064 mod-97 check (the remainder of the rearranged number is 1). Printed
// IBANs are often grouped by spaces, so single spaces between characters are
// allowed.

// Lengths from the SWIFT IBAN registry.
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || isUpper(c) || (c >= 97 && c <= 122);
}

/** mod-97 check over a compact IBAN (no spaces, upper case). */
export function isValidIban(iban: string): boolean {
  const length = LENGTHS[iban.slice(0, 2)];
  if (length === undefined || iban.length !== length) return false;
  if (!isDigit(iban.charCodeAt(2)) || !isDigit(iban.charCodeAt(3))) return false;
  let rem = 0;
  for (let k = 0; k < length; k++) {
    const c = iban.charCodeAt((k + 4) % length);
    if (isDigit(c)) rem = (rem * 10 + (c - 48)) % 97;
    else if (isUpper(c)) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** End index of a valid IBAN starting at `at` (single spaces allowed), or -1. */
export function matchIban(text: string, at: number): number {
  const length = LENGTHS[text.slice(at, at + 2)];
  if (length === undefined) return -1;
  let compact = '';
  let i = at;
  while (compact.length < length && i < text.length) {
    const c = text.charCodeAt(i);
    if (isUpper(c) || isDigit(c)) {
      compact += text[i];
      i++;
    } else if (c === 32 && compact.length >= 4 && i + 1 < text.length && isAlnum(text.charCodeAt(i + 1))) {
      i++;
    } else break;
  }
  if (compact.length !== length) return -1;
  if (i < text.length && isAlnum(text.charCodeAt(i))) return -1;
  return isValidIban(compact) ? i : -1;
}
