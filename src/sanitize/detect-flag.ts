import { Priority, type Candidate } from './candidate.js';
import { looksLikeFlagPassword, looksLikeKey, looksLikePassword } from './secret-value.js';

// Secrets passed to a command by a flag: `mysql -uroot -p'S3cret!'`,
// `--password "…"`, `az storage … --account-key …`, `--client-secret …`,
// `--token …`, `curl -u user:pass`, `redis-cli -a …`, `sqlcmd -P …`.
// `--flag=value` is read by detect-assignment already; here the value
// follows a space or, for the short password flags, is glued to the flag.
// Ports (`-p 8080:80`), paths (`mkdir -p build/out`), variables
// (`-u "$USER:$PASS"`) and flags with no value (`--password-stdin`) stay.

const FLAG =
  /(?<![\w-])(?:-p(?=[^\s=-])|(?:--?(?:password|passwd|pass|pwd|passphrase|http-password|token|auth-token|access-token|api-key|apikey|api-token|account-key|client-secret|secret|secret-key|secret-access-key|private-key|storage-key|sas-token|key|postman-api-key|master-key)|-[pPaut]|--user|--http-user)(?![\w-]))/g;

// `-pSECRET` glued is the MySQL and MariaDB clients' form; elsewhere `-pv`, `-print0` are other flags.
const MYSQL = /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlsh|mysqlimport)\b/;

const PASSWORD_FLAGS = new Set(['-p', '-P', '--password', '--passwd', '--pass', '--pwd', '--passphrase', '--http-password', '-password']);
const USER_FLAGS = new Set(['-u', '--user', '-a']);

export function detectFlags(text: string, out: Candidate[]): void {
  if (!text.includes('-')) return;
  FLAG.lastIndex = 0;
  for (let m = FLAG.exec(text); m !== null; m = FLAG.exec(text)) {
    const flag = m[0];
    const end = m.index + flag.length;
    const glued = text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 61;
    if (glued && (flag !== '-p' || !MYSQL.test(text.slice(Math.max(0, m.index - 120), m.index)))) continue;
    if (text.charCodeAt(end) === 61) continue; // --flag=value: detect-assignment
    const v = readValue(text, glued ? end : end + 1);
    if (v === null) continue;
    const value = text.slice(v.start, v.end);
    if (USER_FLAGS.has(flag) && value.includes(':')) {
      const colon = value.indexOf(':');
      let passStart = v.start + colon + 1;
      let passEnd = v.end;
      const q = text.charCodeAt(passStart);
      if (passStart === v.end && !v.quoted && (q === 39 || q === 34)) {
        const close = text.indexOf(String.fromCharCode(q), passStart + 1);
        if (close > passStart + 1 && close - passStart < 300) {
          passStart++;
          passEnd = close;
        }
      }
      const pass = text.slice(passStart, passEnd);
      if (pass.length > 0 && looksLikeFlagPassword(pass) && !pass.startsWith('$')) {
        out.push({ start: passStart, end: passEnd, kind: 'password', priority: Priority.password });
      }
      continue;
    }
    if (flag === '-u' || flag === '--user' || flag === '--http-user') continue;
    if (flag === '-a' && !/redis-cli|keydb-cli/.test(text.slice(Math.max(0, m.index - 200), m.index))) continue;
    if (flag === '-t' && !looksLikeKey(value, '')) continue;
    if (PASSWORD_FLAGS.has(flag) || flag === '-a') {
      if (glued || v.quoted ? looksLikeFlagPassword(value) : looksLikePassword(value, false)) out.push({ start: v.start, end: v.end, kind: 'password', priority: Priority.password });
    } else if (looksLikeKey(value, '') || (v.quoted && looksLikePassword(value, true) && value.length >= 12)) {
      out.push({ start: v.start, end: v.end, kind: 'generic_secret', priority: Priority.generic });
    }
  }
}

function readValue(text: string, i: number): { start: number; end: number; quoted: boolean } | null {
  const q = text.charCodeAt(i);
  if (q === 34 || q === 39) {
    const close = text.indexOf(String.fromCharCode(q), i + 1);
    if (close <= i + 1 || close - i > 300) return null;
    return { start: i + 1, end: close, quoted: true };
  }
  if (q === 92 && (text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 39)) {
    const close = text.indexOf(text.slice(i, i + 2), i + 2);
    if (close <= i + 2 || close - i > 300) return null;
    return { start: i + 2, end: close, quoted: true };
  }
  let j = i;
  while (j < text.length && j - i < 300) {
    const c = text.charCodeAt(j);
    if (c <= 32 || c === 34 || c === 39 || c === 96 || c === 59 || c === 124 || c === 92) break;
    if (c === 38 && (text.charCodeAt(j + 1) <= 32 || text.charCodeAt(j + 1) === 38)) break;
    j++;
  }
  if (j === i || text.charCodeAt(i) === 45) return null;
  return { start: i, end: j, quoted: false };
}
