// Commit trailers by git's own rules, ported from git's trailer.c (2.39,
// checked against git 2.39.5 in parse-trailers.test.ts): the block is the last paragraph after the subject;
// keys are ASCII alphanumerics and '-', with optional blanks before ':';
// indented lines continue a value; comment lines are skipped; everything from
// a '---' line on is ignored; a block that is not all trailers qualifies only
// with a git-generated prefix and at least 25% trailer lines.

export interface Trailer {
  /** The key as written (compare case-insensitively). */
  key: string;
  value: string;
}

const GIT_GENERATED = ['Signed-off-by: ', '(cherry picked from commit '];
const isBlank = (l: string) => l.trim() === '';
const isSpace = (c: string | undefined) => c === ' ' || c === '\t';

/** Position of the ':' ending a valid key, or -1 (git's find_separator). */
function findSeparator(line: string): number {
  let whitespace = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ':') return i;
    if (!whitespace && /[A-Za-z0-9-]/.test(c)) continue;
    if (i > 0 && isSpace(c)) {
      whitespace = true;
      continue;
    }
    break;
  }
  return -1;
}

/** Index of the first line of the trailer block, or -1 (git's find_trailer_block_start, scanning backwards). */
function blockStart(lines: readonly string[]): number {
  let titleEnd = 0;
  while (titleEnd < lines.length && isBlank(lines[titleEnd]!)) titleEnd++;
  while (titleEnd < lines.length && !isBlank(lines[titleEnd]!)) titleEnd++;
  let onlySpaces = true;
  let recognized = false;
  let trailerLines = 0;
  let otherLines = 0;
  let continuations = 0;
  for (let i = lines.length - 1; i >= titleEnd; i--) {
    const line = lines[i]!;
    if (line.startsWith('#')) {
      otherLines += continuations;
      continuations = 0;
      continue;
    }
    if (isBlank(line)) {
      if (onlySpaces) continue;
      otherLines += continuations;
      if (recognized && trailerLines * 3 >= otherLines) return i + 1;
      if (trailerLines > 0 && otherLines === 0) return i + 1;
      return -1;
    }
    onlySpaces = false;
    if (GIT_GENERATED.some((p) => line.startsWith(p))) {
      trailerLines++;
      continuations = 0;
      recognized = true;
    } else if (findSeparator(line) >= 1 && !isSpace(line[0])) {
      trailerLines++;
      continuations = 0;
    } else if (isSpace(line[0])) {
      continuations++;
    } else {
      otherLines += 1 + continuations;
      continuations = 0;
    }
  }
  return -1;
}

export function parseTrailers(message: string): Trailer[] {
  let lines = message.replace(/\r\n?/g, '\n').split('\n');
  const patch = lines.findIndex((l) => /^---(\s|$)/.test(l));
  if (patch >= 0) lines = lines.slice(0, patch);
  const start = blockStart(lines);
  if (start < 0) return [];
  const trailers: Trailer[] = [];
  let last: Trailer | null = null;
  for (const line of lines.slice(start)) {
    if (line.startsWith('#') || isBlank(line)) {
      // A comment ends the value above it: a following indented line does not continue it.
      last = null;
      continue;
    }
    if (isSpace(line[0]) && last !== null) {
      last.value = `${last.value} ${line.trim()}`.trim();
      continue;
    }
    const sep = findSeparator(line);
    if (sep >= 1 && !isSpace(line[0])) {
      last = { key: line.slice(0, sep).trim(), value: line.slice(sep + 1).trim() };
      trailers.push(last);
    } else {
      last = null;
    }
  }
  return trailers;
}

/** The session ids a commit message names: flowtrail's X-GitLab-Duo-Session and GitLab's Duo-Session URL. */
export function sessionReferences(message: string): { reference: string; sessionId: string | null; key: string }[] {
  const out: { reference: string; sessionId: string | null; key: string }[] = [];
  for (const t of parseTrailers(message)) {
    const key = t.key.toLowerCase();
    if (key === 'x-gitlab-duo-session') out.push({ reference: t.value, sessionId: t.value === '' ? null : t.value, key: t.key });
    if (key === 'duo-session') out.push({ reference: t.value, sessionId: /\/-\/automate\/agent-sessions\/(\d+)\/?$/.exec(t.value)?.[1] ?? null, key: t.key });
  }
  return out;
}
