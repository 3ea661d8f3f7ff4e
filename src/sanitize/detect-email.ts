import { Priority, type Candidate } from './candidate.js';
import { isAlnum } from './char-class.js';

// Email addresses, found from the `@`: the local part is walked back by hand
// (at most 64 characters), the domain is matched forward with a bounded
// pattern (at most 8 labels). `git@host` SSH remotes and retina image names
// such as `icon@2x.png` are not addresses.

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
  const end = at + 1 + m[0].length;
  out.push({ start, end, kind: 'email', priority: Priority.pii });
  return end;
}
