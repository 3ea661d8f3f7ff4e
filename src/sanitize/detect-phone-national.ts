import { isValidPhoneNumber, type CountryCode } from 'libphonenumber-js/max';
import { Priority, type Candidate } from './candidate.js';

// Phone numbers written the national way, without a country code:
// `030 1234 5678`, `01 23 45 67 89`, `06-12345678`, `(11) 91234-5678`,
// `612 34 56 78`. detect-number finds `+<country> …` and North American
// shapes; this pass finds runs of digit groups and keeps one when
// libphonenumber-js (Google's libphonenumber metadata) calls it a valid
// number of one of the countries below, and either its shape says phone (a
// trunk `0` or an area code in brackets, and more than one group) or a
// word before it does (phone, Tel., Handy, numéro, teléfono, telefone,
// cellulare, bellen, WhatsApp ...). Dates, times, versions, dotted quads,
// amounts with decimals and single long ids never reach the library.

const COUNTRIES: CountryCode[] = ['DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'PT', 'BR', 'AT', 'CH', 'BE', 'PL', 'IE', 'SE', 'DK', 'NO', 'US', 'IN', 'AU', 'MX'];

const RUN = /\(?\d[\d ().\/-]{6,20}\d/g;

const PHONE_WORDS =
  /(?:tel|phone|fon|call|ruf|handy|mobil|mob\b|cell|fax|sms|whatsapp|signal|contact|reach|joindre|appel|num[ée]ro|n[úu]mero|ll[aá]m|m[óo]vil|ligar|celular|cellulare|chiam|bel\b|bellen|gsm|kontakt|erreichbar|callback|on-call)/i;

const DATE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function detectNationalPhones(text: string, out: Candidate[]): void {
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    let start = m.index;
    let raw = m[0];
    // Trim a trailing separator group the regex took (`... 12 -`), and a lone `(`.
    const prev = start > 0 ? text.charCodeAt(start - 1) : 32;
    if (isJoined(prev) || isJoinedAfter(text, start + raw.length)) continue;
    if (raw.startsWith('(') && !/^\(\d{2,4}\)/.test(raw)) {
      start++;
      raw = raw.slice(1);
    }
    if (!plausibleGroups(raw)) continue;
    if (raw.includes('(') !== raw.includes(')')) continue;
    const digits = raw.replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 12) continue;
    if (DATE.test(raw) || DOTTED_QUAD.test(raw) || /\d[:,]\d/.test(raw) || /  /.test(raw)) continue;
    const groups = raw.split(/[ ().\/-]+/).filter((g) => g.length > 0);
    const byShape = groups.length > 1 && (raw.startsWith('0') || raw.startsWith('('));
    if (raw.includes('.') && !raw.startsWith('0')) continue;
    if (!byShape && !PHONE_WORDS.test(text.slice(Math.max(0, start - 40), start)) && !PHONE_WORDS.test(text.slice(start + raw.length, start + raw.length + 30))) continue;
    if (!COUNTRIES.some((country) => isValidPhoneNumber(raw, country))) continue;
    out.push({ start, end: start + raw.length, kind: 'phone', priority: Priority.pii });
  }
}

/** 8 to 12 digits in groups of two or more, one separator between groups: checked without allocating. */
function plausibleGroups(raw: string): boolean {
  let digits = 0;
  let group = 0;
  let separators = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      group++;
      separators = 0;
    } else {
      if (group === 1 || ++separators > 2) return false;
      if (c !== 40) group = 0;
    }
  }
  return digits >= 8 && digits <= 12 && group !== 1;
}

/** Part of a longer token: a word, a version, a decimal, a path, a sign. */
function isJoined(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 44 || c === 47 || c === 43 || c === 45 || c === 58 || c === 35 || c === 36 || c === 8364;
}

function isJoinedAfter(text: string, end: number): boolean {
  const c = text.charCodeAt(end);
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 37 || c === 8364) return true;
  const next = text.charCodeAt(end + 1);
  const alnum = (next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
  return (c === 46 || c === 44 || c === 45 || c === 47) && alnum;
}
