import { Priority, type Candidate } from './candidate.js';
import { isDigit, isWord, startsNumber } from './char-class.js';
import { matchPaymentCard } from './payment-card.js';
import { matchUsSsn } from './us-ssn.js';

// Numbers that are personal data: IPv4 addresses, US SSNs, payment cards and
// phone numbers. Called where a number starts (not inside a word, a version
// string or another number), it looks at the shape of the leading digit run
// before trying any pattern, so the dates, versions, durations and ids that
// fill logs cost a few comparisons each.

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`${OCTET}(?:\\.${OCTET}){3}(?!\\.?\\d)`, 'y');
const US_PHONE = /\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?!\d|-\d)/y;

export function detectNumber(text: string, at: number, out: Candidate[]): number {
  if (!startsNumber(text, at)) return at + 1;
  const first = text.charCodeAt(at);
  if (first === 43) return detectIntlPhone(text, at, out);
  if (first === 40) return pushIf(out, at, matchUsPhone(text, at), 'phone');
  let run = 0;
  while (run < 20 && isDigit(text.charCodeAt(at + run))) run++;
  const next = text.charCodeAt(at + run);
  if (run <= 3 && next === 46) {
    IPV4.lastIndex = at;
    const m = IPV4.exec(text);
    if (m !== null && !isWord(text.charCodeAt(at + m[0].length))) {
      return pushIf(out, at, at + m[0].length, 'ip_address');
    }
  }
  if (run === 3 && next === 45) {
    const end = matchUsSsn(text, at);
    if (end > 0) return pushIf(out, at, end, 'us_ssn');
  }
  if (first >= 50 && first <= 54 && (run >= 13 || (run === 4 && (next === 32 || next === 45)))) {
    const end = matchPaymentCard(text, at);
    if (end > 0 && !isWord(text.charCodeAt(end))) return pushIf(out, at, end, 'payment_card');
  }
  if (run === 3 && (next === 32 || next === 45 || next === 46)) {
    return pushIf(out, at, matchUsPhone(text, at), 'phone');
  }
  return at + Math.max(run, 1);
}

function matchUsPhone(text: string, at: number): number {
  US_PHONE.lastIndex = at;
  const m = US_PHONE.exec(text);
  if (m === null) return -1;
  const raw = m[0];
  const open = raw.startsWith('(');
  if (open !== raw.includes(')')) return -1;
  const end = at + raw.length;
  return isWord(text.charCodeAt(end)) ? -1 : end;
}

/**
 * `+<country> ...` with single spaces, dots or dashes between digit groups and
 * at most one parenthesised group, 8 to 15 digits in all (E.164's maximum).
 */
function detectIntlPhone(text: string, at: number, out: Candidate[]): number {
  let i = at + 1;
  if (!isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 48) return at + 1;
  let digits = 0;
  let end = i;
  let paren = 0;
  let parens = 0;
  while (i < text.length && digits <= 15) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      digits++;
      i++;
      end = i;
    } else if ((c === 32 || c === 45 || c === 46) && end === i && (isDigit(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === 40)) {
      i++;
    } else if (c === 40 && paren === 0 && parens === 0 && isDigit(text.charCodeAt(i + 1))) {
      paren = 1;
      parens++;
      i++;
    } else if (c === 41 && paren === 1 && end === i) {
      paren = 0;
      i++;
      end = i;
    } else break;
  }
  if (digits < 8 || digits > 15 || paren !== 0 || isWord(text.charCodeAt(end))) return at + 1;
  return pushIf(out, at, end, 'phone');
}

function pushIf(out: Candidate[], start: number, end: number, kind: string): number {
  if (end <= start) return start + 1;
  out.push({ start, end, kind, priority: Priority.pii });
  return end;
}
