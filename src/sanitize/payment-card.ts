import { isLuhnValid } from './luhn.js';

// Payment card numbers: 13-19 digits, optionally grouped by one kind of
// separator (space or dash), with an issuer prefix that some network uses and
// a valid Luhn check digit. The issuer test keeps 13-digit epoch
// milliseconds and other Luhn-passing ids from being read as cards.

const CARD = /(?:\d[ -]?){12,18}\d(?!\d)/y;

/** Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir. */
function hasIssuerPrefix(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  const n = d.length;
  if (d[0] === '4') return n === 13 || n === 16 || n === 19;
  if (two >= 51 && two <= 55) return n === 16;
  if (four >= 2221 && four <= 2720) return n === 16;
  if (two === 34 || two === 37) return n === 15;
  if (two === 36 || two === 38 || (four >= 3000 && four <= 3059)) return n >= 14 && n <= 19;
  if (four >= 3528 && four <= 3589) return n >= 16 && n <= 19;
  if (d.startsWith('6011') || two === 65 || (four >= 6440 && four <= 6499)) return n >= 16 && n <= 19;
  if (two === 62 || two === 50 || (two >= 56 && two <= 69)) return n >= 12 && n <= 19;
  if (four >= 2200 && four <= 2204) return n === 16;
  return false;
}

/** End index of a card number starting at `at`, or -1. */
export function matchPaymentCard(text: string, at: number): number {
  CARD.lastIndex = at;
  const m = CARD.exec(text);
  if (m === null) return -1;
  const raw = m[0];
  let digits = '';
  let separator = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] ?? '';
    if (ch === ' ' || ch === '-') {
      if (separator !== '' && separator !== ch) return -1;
      separator = ch;
    } else digits += ch;
  }
  if (!hasIssuerPrefix(digits) || !isLuhnValid(digits)) return -1;
  return at + raw.length;
}
