// The placeholder a found item is replaced with, and how to find placeholders
// already present in a text so that no rule ever matches inside one.

export function redactionToken(kind: string, fingerprint: string): string {
  return `[REDACTED:${kind}:${fingerprint}]`;
}

const TOKEN_MARK = '[REDACTED:';
const TOKEN = /\[REDACTED:[a-z0-9_]{1,64}:[0-9a-f]{8}\]/g;
const WHOLE_TOKEN = /^\[REDACTED:[a-z0-9_]{1,64}:[0-9a-f]{8}\]$/;

const NONE: readonly number[] = Object.freeze([]);

/** Start/end pairs, flattened and in order, of every redaction token in `text`. */
export function findRedactionTokens(text: string): readonly number[] {
  if (!text.includes(TOKEN_MARK)) return NONE;
  const spans: number[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    spans.push(m.index, m.index + m[0].length);
  }
  return spans;
}

export function isRedactionToken(value: string): boolean {
  return WHOLE_TOKEN.test(value);
}
