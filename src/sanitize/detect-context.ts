import { Priority, type Candidate } from './candidate.js';
import { looksLikeKey, looksLikePassword } from './secret-value.js';

// A value is a secret when the words around it say so: "the password for
// staging is Sommer2024!", "Der API-Schlüssel lautet 9f8e…", "the key
// zVRC… was revoked". One case-insensitive regex finds the telling words
// (English, German, French, Spanish, Portuguese, Italian and Dutch common
// forms, also inside compounds such as Zugangsschlüssel); around each hit a
// few words are read, ahead first and then behind, in the same sentence.
// A password word takes any typed-password-looking value; a key, token or
// secret word takes only values that read as random (secret-value.ts).

// Without the `u` flag: V8 runs this about twenty times faster, and the few
// non-ASCII letters in it still match. Short words are checked for word
// boundaries in code (SHORT_WORD).
const CONTEXT_WORDS =
  /pass(?:w(?:or)?[dt]|phrase|code)|kennwort|wachtwoord|contrase(?:ñ|n)a|senha|mot de passe|mdp|pwd|credential|creds?|secret|geheim|token|key|schl(?:ü|ue)ssel|sleutel|chiave|chave|clave|cl[ée]|dsn/gi;
/** Keywords detect-assignment reads as names (it looks for pass, pwd, secret, token, key, auth, cred). */
const ASSIGNMENT_NAME = /pass|pwd|secret|token|key|cred/i;
const SHORT_WORD = /^(?:mdp|pwd|creds?|cl[ée]|dsn)$/i;

const PASSWORD_SENSE = /^(?:pass(?!phrase)|kennwort|wachtwoord|contrase|senha|mot de passe|mdp|pwd|cred)/i;

/** Words between a keyword and its value that carry no value. */
const FILLER = new Set([
  'is', 'are', 'was', 'the', 'a', 'an', 'for', 'of', 'to', 'as', 'in', 'on', 'at', 'my', 'our', 'your', 'their', 'its',
  'new', 'now', 'here', 'this', 'that', 'with', 'by', 'from', 'it', 'be', 'set', 'changed', 'use', 'got', 'back', 'were',
  'ist', 'lautet', 'der', 'die', 'das', 'des', 'den', 'dem', 'für', 'von', 'mit', 'neues', 'neue', 'neuer', 'gesetzt', 'auf',
  'est', 'le', 'la', 'les', 'du', 'de', 'des', 'pour', 'nouveau', 'nouvelle',
  'es', 'el', 'del', 'para', 'nueva', 'nuevo', 'é', 'o', 'do', 'da', 'nova', 'novo',
  'è', 'il', 'lo', 'della', 'dell', 'per', 'di', 'het', 'voor', 'van', 'nieuwe', 'nieuw',
]);

const MAX_AHEAD = 90;
const MAX_BEHIND = 70;
const MAX_WORDS = 9;

export function detectContext(text: string, out: Candidate[]): void {
  CONTEXT_WORDS.lastIndex = 0;
  let after = 0;
  // How far each sense (0 key, 1 password) has been read ahead and behind
  // without a find: a keyword inside text already read adds nothing, and
  // skipping it keeps `key key key …` linear.
  const aheadUntil = [0, 0];
  const behindUntil = [0, 0];
  for (let m = CONTEXT_WORDS.exec(text); m !== null; m = CONTEXT_WORDS.exec(text)) {
    const at = m.index;
    if (at < after) continue;
    const wordEnd = at + m[0].length;
    if (text.charCodeAt(wordEnd) === 45 && text.charCodeAt(wordEnd + 1) === 45) continue;
    if (SHORT_WORD.test(m[0]) && (isWordChar(text.charCodeAt(at - 1)) || isWordChar(text.charCodeAt(wordEnd)))) continue;
    if (!isPlainCase(m[0]) || insideLongToken(text, at)) continue;
    const password = PASSWORD_SENSE.test(m[0]);
    const end = skipWordRest(text, at + m[0].length);
    // `password=…`, `"api_key": "…"`: an assignment, read by detect-assignment.
    if (ASSIGNMENT_NAME.test(m[0]) && isAssignedAt(text, end)) continue;
    if (text.charCodeAt(end) === 45 && text.charCodeAt(end + 1) === 45) continue;
    const sense = password ? 1 : 0;
    if (at < (aheadUntil[sense] ?? 0)) continue;
    const ahead = readAhead(text, end, password);
    aheadUntil[sense] = ahead.reached;
    const found = ahead.found ?? readBehind(text, at, password, behindUntil[sense] ?? 0);
    behindUntil[sense] = at;
    if (found !== null) {
      out.push({ start: found[0], end: found[1], kind: password ? 'password' : 'generic_secret', priority: password ? Priority.password : Priority.generic });
      after = found[1];
      if (found[1] > at) CONTEXT_WORDS.lastIndex = found[1];
    }
  }
}

/** `=`, `=>` or a `:` glued to its value right after the name (closing quotes and spaces between). */
function isAssignedAt(text: string, i: number): boolean {
  for (let n = 0; n < 4; n++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39 || c === 96 || c === 92 || c === 32 || c === 93) i++;
    else break;
  }
  const c = text.charCodeAt(i);
  // `name: value` with a space reads like prose too ("access token: …"): the context reading runs as well.
  return c === 61 || (c === 58 && text.charCodeAt(i + 1) !== 58 && text.charCodeAt(i + 1) !== 32);
}

/** `key`, `Key` or `KEY`; `kEy` inside a random string is no word. */
function isPlainCase(word: string): boolean {
  let lower = 0;
  let upper = 0;
  for (let i = 1; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 97 && c <= 122) lower++;
    else if (c >= 65 && c <= 90) upper++;
  }
  return upper === 0 || (lower === 0 && word.charCodeAt(0) < 97);
}

/**
 * Whether text[start, end) holds two of letters, digits and other signs: no
 * password or key is a plain word or a plain number. Checked before the
 * value is sliced out, as most words after a keyword are plain.
 */
function mixesClasses(text: string, start: number, end: number): boolean {
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    bits |= (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f) ? 1 : c >= 48 && c <= 57 ? 2 : 4;
    if (bits === 3 || bits >= 5) return true;
  }
  return false;
}

/** Inside a run of 40 or more characters without a space or quote (base64, a key, a URL's blob). */
function insideLongToken(text: string, at: number): boolean {
  for (let k = at - 1; k >= 0 && at - k <= 40; k--) {
    const c = text.charCodeAt(k);
    if (c <= 32 || c === 34 || c === 39 || c === 96 || c === 44 || c === 40 || c === 123 || c === 91) return false;
  }
  return at >= 40;
}

function skipWordRest(text: string, i: number): number {
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || (c >= 0xc0 && c <= 0x24f);
}

interface Word {
  start: number;
  end: number;
  quoted: boolean;
  /** A sentence or clause ends right after this word. */
  stop: boolean;
}

/** Words after `from`, up to the end of the sentence. */
function readAhead(text: string, from: number, password: boolean): { found: [number, number] | null; reached: number } {
  const limit = Math.min(text.length, from + MAX_AHEAD);
  let i = from;
  const none = (): { found: null; reached: number } => ({ found: null, reached: i });
  for (let n = 0; n < MAX_WORDS && i < limit; n++) {
    const w = nextWord(text, i, limit);
    if (w === null) return none();
    if (n === 0 && text.charCodeAt(from) === 40) return none();
    const length = w.end - w.start;
    if (length >= (password ? 4 : 16) && mixesClasses(text, w.start, w.end) && accepts(text.slice(w.start, w.end), w.quoted, password, text, from, n <= 1)) {
      return { found: [w.start, w.end], reached: w.end };
    }
    i = Math.max(i + 1, w.end + (w.quoted ? 1 : 0));
    if (w.stop) return none();
  }
  return none();
}

/** Words before `to`, back to the start of the sentence; only stronger shapes count here. */
function readBehind(text: string, to: number, password: boolean, readUntil: number): [number, number] | null {
  const from = Math.max(0, to - MAX_BEHIND, readUntil);
  let sentence = from;
  for (let k = to - 1; k >= from; k--) {
    const c = text.charCodeAt(k);
    if (c === 10 || ((c === 46 || c === 33 || c === 63) && text.charCodeAt(k + 1) === 32)) {
      sentence = k + 1;
      break;
    }
  }
  const words: Word[] = [];
  for (let i = sentence; i < to; ) {
    const w = nextWord(text, i, to);
    if (w === null) break;
    if (w.end - w.start >= (password ? 8 : 20) && mixesClasses(text, w.start, w.end)) words.push(w);
    i = Math.max(i + 1, w.end + (w.quoted ? 1 : 0));
  }
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k]!;
    const value = text.slice(w.start, w.end);
    if (password ? strongPassword(value) && looksLikePassword(value, false) : looksLikeKey(value, text.slice(sentence, to), false) && value.length >= 20) {
      return [w.start, w.end];
    }
  }
  return null;
}

function strongPassword(value: string): boolean {
  return value.length >= 8 && /\d/.test(value) && (/[A-Z]/.test(value) && /[a-z]/.test(value) || /[^A-Za-z0-9]/.test(value));
}

function accepts(value: string, quoted: boolean, password: boolean, text: string, from: number, adjacent: boolean): boolean {
  if (password) return looksLikePassword(value, quoted);
  return looksLikeKey(value, text.slice(Math.max(0, from - 60), from + 60), adjacent);
}

/** `:`, `=`, `→`, `-`, `/` and the like stand between a keyword and its value. */
function isLinkWord(value: string): boolean {
  return /^[:=\-–—→>/|()]+$/.test(value);
}

/**
 * The next word from `i`: a quoted run, or a run of non-space characters
 * with sentence punctuation trimmed from its end. Null at a line end.
 */
function nextWord(text: string, i: number, limit: number): Word | null {
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return null;
    if (c === 92 && text.charCodeAt(i + 1) === 110) return null;
    if (c !== 32 && c !== 9 && c !== 0xa0) break;
    i++;
  }
  if (i >= limit) return null;
  const q = text.charCodeAt(i);
  const prev = text.charCodeAt(i - 1);
  const opens = i === 0 || prev === 32 || prev === 9 || prev === 58 || prev === 61 || prev === 40 || prev === 0xa0;
  if ((q === 34 || q === 39 || q === 96) && !opens) return { start: i, end: i + 1, quoted: false, stop: false };
  if (q === 34 || q === 39 || q === 96) {
    const close = text.indexOf(String.fromCharCode(q), i + 1);
    if (close > i + 1 && close - i < 130 && !text.slice(i + 1, close).includes('\n')) {
      return { start: i + 1, end: close, quoted: true, stop: /[.;]/.test(text.charAt(close + 1)) };
    }
  }
  let j = i;
  while (j < text.length && j - i < 600) {
    const c = text.charCodeAt(j);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 34 || c === 96) break;
    if (c === 92 && text.charCodeAt(j + 1) === 110) break;
    j++;
  }
  let end = j;
  let stop = false;
  while (end > i && isTrailing(text.charCodeAt(end - 1))) {
    const t = text.charCodeAt(end - 1);
    if (t === 46 || t === 59) stop = true;
    end--;
  }
  let start = i;
  while (start < end && isLeading(text.charCodeAt(start))) start++;
  if (start === end) return { start: i, end: j, quoted: false, stop };
  return { start, end, quoted: false, stop };
}

/** `. , ; : ) '` at a word's end belong to the sentence (a password ending in `!` keeps it). */
function isTrailing(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 58 || c === 41 || c === 39;
}

function isLeading(c: number): boolean {
  return c === 40 || c === 39 || c === 60 || c === 61 || c === 58;
}
