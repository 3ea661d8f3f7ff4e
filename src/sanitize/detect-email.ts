import { Priority, type Candidate } from './candidate.js';
import { isAlnum } from './char-class.js';

// Email addresses, found from the `@`: the local part is walked back by hand
// (at most 64 characters), the domain is matched forward with a bounded
// pattern (at most 8 labels). `git@host` SSH remotes, retina image names
// such as `icon@2x.png` and the `user:password@host` of a URL (whose password
// detect-url-password handles) are not addresses.

const DOMAIN = /(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}([A-Za-z]{2,24})(?![A-Za-z0-9-])/y;
const FILE_EXTENSIONS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'json',
  'md', 'py', 'rb', 'go', 'rs', 'java', 'css', 'scss', 'html', 'txt', 'yml', 'yaml', 'lock', 'map',
  'vue', 'sh', 'toml',
]);

function isLocalChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

export function detectEmail(text: string, at: number, out: Candidate[]): number {
  let start = at;
  while (start > 0 && at - start < 64 && isLocalChar(text.charCodeAt(start - 1))) start--;
  while (start < at && text.charCodeAt(start) === 46) start++;
  if (start === at || text.charCodeAt(at - 1) === 46) return at + 1;
  DOMAIN.lastIndex = at + 1;
  const m = DOMAIN.exec(text);
  const tld = m?.[1];
  if (m === null || tld === undefined) return at + 1;
  if (FILE_EXTENSIONS.has(tld.toLowerCase())) return at + 1;
  if (at - start === 3 && text.startsWith('git', start)) return at + 1;
  if (isUrlUserinfo(text, start)) return at + 1;
  const end = at + 1 + m[0].length;
  out.push({ start, end, kind: 'email', priority: Priority.pii });
  return end;
}

/** True when the local part follows `scheme://` or `scheme://user:` with no space between. */
function isUrlUserinfo(text: string, start: number): boolean {
  const prev = text.charCodeAt(start - 1);
  if (prev !== 58 && prev !== 47) return false;
  for (let i = start - 1; i >= 2 && start - i <= 256; i--) {
    const c = text.charCodeAt(i);
    if (c <= 32) return false;
    if (c === 47 && text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58) return true;
  }
  return false;
}
