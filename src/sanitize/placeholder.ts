// Values that stand in for a secret rather than being one: template and
// environment references, angle-bracket hints, masks and filler words. Ported
// in spirit from gitleaks' global allowlist (`${VAR}`, `{{ x }}`, `%VAR%`,
// repeated characters) plus the "your-token-here" family.

const REFERENCE =
  /^(?:\$\{[^}]*\}|\$\{\{[^}]*\}\}|\{\{[^}]*\}\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\([^)]*\)|%[A-Za-z_][A-Za-z0-9_]*%|@[A-Za-z_][A-Za-z0-9_]*@|<[^<>]*>|\[[^\]]*\])$/;
const HINT = /(?:^|[^a-z])your(?:[^a-z]|$)|(?:^|[-_ .])here$|^(?:insert|enter|replace|put)[-_ ]|[-_]goes[-_]here/i;
// Whole values that say "no value here". Words such as "password" or "secret"
// are not on the list: as the value of a password they may well be the real,
// weak password, and redacting them costs nothing.
const WORDS = new Set([
  'null', 'nil', 'none', 'true', 'false', 'undefined', 'empty', 'n/a', 'todo', 'tbd', 'redacted',
  'hidden', 'masked', 'placeholder', 'changeme', 'change_me', 'example', 'sample', 'dummy', 'fake',
]);

/** True when a token-shaped value carries filler or a "your ... here" hint. */
export function hasPlaceholderMarks(value: string): boolean {
  return hasFillerRun(value) || HINT.test(value);
}

/** Runs of x or X (6+), 0 (8+), * or • (3+), or any one character (12+). */
function hasFillerRun(value: string): boolean {
  let run = 0;
  let prev = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    run = c === prev ? run + 1 : 1;
    prev = c;
    if (run >= 12) return true;
    if (run >= 6 && (c === 120 || c === 88)) return true;
    if (run >= 8 && c === 48) return true;
    if (run >= 3 && (c === 42 || c === 8226)) return true;
  }
  return false;
}

/** True for a value that is obviously not a real credential. */
export function isPlaceholder(value: string): boolean {
  if (value.length === 0) return true;
  if (WORDS.has(value.toLowerCase())) return true;
  if (REFERENCE.test(value)) return true;
  return hasPlaceholderMarks(value) || isOneRepeatedChar(value);
}

function isOneRepeatedChar(value: string): boolean {
  const first = value.charCodeAt(0);
  for (let i = 1; i < value.length; i++) if (value.charCodeAt(i) !== first) return false;
  return true;
}
