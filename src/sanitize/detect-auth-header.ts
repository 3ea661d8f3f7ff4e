import { Priority, type Candidate } from './candidate.js';
import { startsWord } from './char-class.js';
import { isPlaceholder } from './placeholder.js';

// `Bearer <token>` and `Basic <base64>` credentials, wherever they appear
// (Authorization headers, curl -H, logged requests). Only the credential is
// redacted; the scheme word stays for context. Prose such as "Basic usage" or
// "a Bearer token" is left alone: a bearer value must be long and contain a
// digit, a basic value must decode to `user:pass` or look random.

const BEARER = /(?:Bearer|bearer|BEARER)[ \t]{1,8}([A-Za-z0-9._~+/-]{12,4096}=*)(?![A-Za-z0-9._~+/=-])/y;
const BASIC = /(?:Basic|basic|BASIC)[ \t]{1,8}([A-Za-z0-9+/]{8,4096}={0,2})(?![A-Za-z0-9+/=])/y;
const HAS_DIGIT = /\d/;

export function detectBearer(text: string, at: number, out: Candidate[]): number {
  if (!startsWord(text, at)) return at + 1;
  BEARER.lastIndex = at;
  const m = BEARER.exec(text);
  const value = m?.[1];
  if (m === null || value === undefined) return at + 1;
  if (!HAS_DIGIT.test(value) || isPlaceholder(value)) return at + 1;
  const end = at + m[0].length;
  const start = end - value.length;
  out.push({ start, end, kind: 'bearer_token', priority: Priority.header });
  return start;
}

export function detectBasic(text: string, at: number, out: Candidate[]): number {
  if (!startsWord(text, at)) return at + 1;
  BASIC.lastIndex = at;
  const m = BASIC.exec(text);
  const value = m?.[1];
  if (m === null || value === undefined) return at + 1;
  if (!decodesToUserPass(value) && !(HAS_DIGIT.test(value) && value.length >= 12)) return at + 1;
  if (isPlaceholder(value)) return at + 1;
  const end = at + m[0].length;
  const start = end - value.length;
  out.push({ start, end, kind: 'basic_auth', priority: Priority.header });
  return start;
}

function decodesToUserPass(value: string): boolean {
  const decoded = Buffer.from(value, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if (c < 32 || c > 126) return false;
  }
  return true;
}
