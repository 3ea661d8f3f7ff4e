import { Priority, type Candidate } from './candidate.js';

// PEM and PGP private keys of any type (RSA, EC, DSA, OPENSSH, ENCRYPTED,
// PKCS#8, PGP ... BLOCK), with real line breaks or with `\n` escapes as in a
// JSON string. The body is walked by hand rather than with a regex so a huge
// or unterminated key costs one linear pass. A key whose END line is missing
// (a truncated paste) is still redacted from BEGIN to the end of its body.

const HEADER = /-----BEGIN[ A-Z0-9_-]{0,64}PRIVATE KEY(?: BLOCK)?-----/y;
const FOOTER = /-----END[ A-Z0-9_-]{0,64}PRIVATE KEY(?: BLOCK)?-----/y;
const ARMOR_HEADER = /(?:Proc-Type|DEK-Info|Version|Comment|Hash|Charset):[^\r\n\\]{0,200}/y;

export function detectPrivateKey(text: string, at: number, out: Candidate[]): number {
  HEADER.lastIndex = at;
  const header = HEADER.exec(text);
  if (header === null) return at + 1;
  const bodyStart = at + header[0].length;
  const bodyEnd = skipBody(text, bodyStart);
  if (text.startsWith('-----END', bodyEnd)) {
    FOOTER.lastIndex = bodyEnd;
    const footer = FOOTER.exec(text);
    if (footer !== null) {
      const end = bodyEnd + footer[0].length;
      out.push({ start: at, end, kind: 'private_key', priority: Priority.vendor });
      return end;
    }
  }
  const end = trimBreaks(text, bodyStart, bodyEnd);
  out.push({ start: at, end, kind: 'private_key', priority: Priority.vendor });
  return Math.max(end, at + 1);
}

/** Index just past the base64 body, line breaks (real or escaped) and armor headers. */
function skipBody(text: string, from: number): number {
  let i = from;
  let lineStart = true;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isBase64(c)) {
      if (lineStart && isArmorHeaderStart(c)) {
        ARMOR_HEADER.lastIndex = i;
        const m = ARMOR_HEADER.exec(text);
        if (m !== null) {
          i += m[0].length;
          lineStart = false;
          continue;
        }
      }
      i++;
      lineStart = false;
    } else if (c === 10 || c === 13) {
      i++;
      lineStart = true;
    } else if (c === 92 && (text.charCodeAt(i + 1) === 110 || text.charCodeAt(i + 1) === 114)) {
      i += 2;
      lineStart = true;
    } else break;
  }
  return i;
}

function isBase64(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 47 && c <= 57) || c === 43 || c === 61;
}

function isArmorHeaderStart(c: number): boolean {
  return c === 80 || c === 68 || c === 86 || c === 67 || c === 72;
}

function trimBreaks(text: string, from: number, to: number): number {
  let end = to;
  while (end > from) {
    const c = text.charCodeAt(end - 1);
    if (c === 10 || c === 13) end--;
    else if (end - 2 >= from && text.charCodeAt(end - 2) === 92 && (c === 110 || c === 114)) end -= 2;
    else break;
  }
  return end;
}
