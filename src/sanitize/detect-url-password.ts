import { Priority, type Candidate } from './candidate.js';
import { isPlaceholder } from './placeholder.js';

// The password in `scheme://user:PASSWORD@host` (database URLs, git remotes,
// proxies). Only the password is redacted; scheme, user, host and path stay.
// Called at the `:` of `://`. The password may itself contain `@` or `:`; the
// last `@` before the host wins, as URL parsers do.

const USERINFO = /[^\s:/?#@'"`<>[\]]{0,256}:([^\s/?#'"`<>]{1,256})@(?=[A-Za-z0-9[_-])/y;

export function detectUrlPassword(text: string, at: number, out: Candidate[]): number {
  const from = at + 3;
  USERINFO.lastIndex = from;
  const m = USERINFO.exec(text);
  const password = m?.[1];
  if (m === null || password === undefined || isPlaceholder(password)) return from;
  const end = from + m[0].length - 1;
  const start = end - password.length;
  out.push({ start, end, kind: 'password', priority: Priority.password });
  return start;
}
