import { Priority, type Candidate } from './candidate.js';
import { shannonEntropy } from './entropy.js';
import { isPlaceholder } from './placeholder.js';

// Keys that have no prefix but a family's exact alphabet and length, found
// anywhere, without a name or a context word: an AWS secret access key (40
// base64 characters without `=`), an Azure storage account key (86 base64
// characters and `==`), an Azure AD client secret (`abc8Q~` and 31 to 34
// more). As gitleaks does for its keyword-less rules, a run counts only when
// it mixes upper case, lower case and digits and reads as random (entropy at
// least 4.2 bits a character for 40, 4.5 for 88). Runs inside a `data:` URI
// (base64 images), after `sha256-`/`sha384-`/`sha512-` (subresource
// integrity, npm lockfiles) or inside a longer base64 run stay: a commit SHA,
// a UUID or a checksum is hex, never mixed case, so it never matches.

const AZURE_CLIENT_SECRET = /(?<![\w~.-])[\w~.-]{3}\dQ~[\w~.-]{31,34}(?![\w~.-])/g;

export function detectFamilies(text: string, out: Candidate[]): void {
  scanBase64Runs(text, out);
  if (text.includes('Q~')) {
    AZURE_CLIENT_SECRET.lastIndex = 0;
    for (let m = AZURE_CLIENT_SECRET.exec(text); m !== null; m = AZURE_CLIENT_SECRET.exec(text)) {
      if (shannonEntropy(m[0]) >= 4) out.push({ start: m.index, end: m.index + m[0].length, kind: 'azure_client_secret', priority: Priority.vendor });
    }
  }
}

function isB64(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47;
}

/**
 * Finds runs of exactly 40, or 86 and `==`, base64 characters. Skips ahead
 * as Boyer-Moore does: a window of 40 characters that holds a non-base64
 * character cannot be inside such a run, so most of a prose or log line is
 * passed over 40 characters at a time.
 */
function scanBase64Runs(text: string, out: Candidate[]): void {
  const n = text.length;
  let i = 0;
  while (i + 40 <= n) {
    let k = i + 39;
    while (k >= i && isB64(text.charCodeAt(k))) k--;
    if (k >= i) {
      i = k + 1;
      continue;
    }
    // [i, i + 40) is all base64 and i starts a run (text[i - 1] is not base64).
    const start = i;
    let runEnd = i + 40;
    while (runEnd < n && isB64(text.charCodeAt(runEnd))) runEnd++;
    let end = runEnd;
    while (end < n && end - runEnd < 2 && text.charCodeAt(end) === 61) end++;
    const length = runEnd - start;
    const pads = end - runEnd;
    if ((length === 40 && pads === 0) || (length === 86 && pads === 2)) {
      const before = start > 0 ? text.charCodeAt(start - 1) : 32;
      if (!isJoined(before) && !isJoined(text.charCodeAt(end))) checkRun(text, start, end, length === 40, out);
    }
    i = end + 1;
  }
}

/** A neighbour that makes the run part of a longer token. */
function isJoined(c: number): boolean {
  return c === 61 || c === 45 || c === 95 || c === 46 || c === 37 || (c >= 0xc0 && c <= 0x24f);
}

const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const DIGIT = /\d/;

function checkRun(text: string, start: number, end: number, aws: boolean, out: Candidate[]): void {
  const value = text.slice(start, end);
  if (!UPPER.test(value) || !LOWER.test(value) || !DIGIT.test(value)) return;
  if (isPlaceholder(value) || /EXAMPLE/.test(value)) return;
  const body = aws ? value : value.slice(0, -2);
  if (shannonEntropy(body) < (aws ? 4.2 : 4.5)) return;
  const before = text.slice(Math.max(0, start - 40), start).toLowerCase();
  if (/data:[\w/+.-]*;base64,[\w+/]*$|sha(?:256|384|512)-$|base64,$/.test(before)) return;
  // A path segment or URL part (`/a/b/...`): 40 characters of a path are not a key.
  if (aws && (value.split('/').length > 3 || text.charCodeAt(start - 1) === 47)) return;
  // Generic priority: a reading that names the value (`Bearer …`, a vendor prefix) wins.
  out.push({ start, end, kind: aws ? 'aws_secret_access_key' : 'azure_storage_key', priority: Priority.generic - 0.5 });
}
