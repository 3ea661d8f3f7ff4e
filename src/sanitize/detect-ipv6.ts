import { Priority, type Candidate } from './candidate.js';
import { isHexDigit, isWord } from './char-class.js';

// IPv6 addresses in full (eight groups) or compressed (`::`) form. Called at a
// `:`; the first group, if any, is found by walking back at most four hex
// digits. Clock times, MAC addresses and `Foo::bar` paths fail the shape or
// the boundary test; an address must contain at least one decimal digit so
// that words like `dead::beef` are not addresses.

const H = '[0-9A-Fa-f]{1,4}';
const IPV6 = new RegExp(
  `(?:(?:${H}:){7}${H}` +
    `|(?:${H}:){1,6}:${H}` +
    `|(?:${H}:){1,5}(?::${H}){1,2}` +
    `|(?:${H}:){1,4}(?::${H}){1,3}` +
    `|(?:${H}:){1,3}(?::${H}){1,4}` +
    `|(?:${H}:){1,2}(?::${H}){1,5}` +
    `|${H}:(?::${H}){1,6}` +
    `|(?:${H}:){1,7}:` +
    `|::(?:${H}:){0,5}${H}` +
    `)(?![0-9A-Za-z_:]|\\.\\d)`,
  'y',
);
const HAS_DIGIT = /\d/;

/** End index of the address, or -1 when the text at `at` is not one. */
export function detectIpv6(text: string, at: number, out: Candidate[]): number {
  let start = at;
  while (start > 0 && at - start < 4 && isHexDigit(text.charCodeAt(start - 1))) start--;
  if (start > 0) {
    const before = text.charCodeAt(start - 1);
    if (isWord(before) || before === 58 || before === 46) return -1;
  }
  if (start === at && text.charCodeAt(at + 1) !== 58) return -1;
  IPV6.lastIndex = start;
  const m = IPV6.exec(text);
  if (m === null || !HAS_DIGIT.test(m[0])) return -1;
  const end = start + m[0].length;
  out.push({ start, end, kind: 'ip_address', priority: Priority.pii });
  return end;
}
