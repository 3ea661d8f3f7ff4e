const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * An ISO 8601 date-time (as the event catalog accepts it) in microseconds since the epoch,
 * rounded as PostgreSQL rounds it into a timestamptz (rint of the fraction in microseconds);
 * undefined for anything else.
 */
export function isoMicros(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const zulu = zuluMicros(text);
  if (zulu !== undefined) return zulu;
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const offset = m[3]!.length === 3 ? `${m[3]}:00` : m[3]!.length === 5 ? `${m[3]!.slice(0, 3)}:${m[3]!.slice(3)}` : m[3]!;
  const ms = Date.parse(`${m[1]}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = m[2] === undefined ? 0 : rint(Number(`0.${m[2]}`) * 1_000_000);
  return ms * 1000 + fraction;
}

/** Round half to even, as C's rint does in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The form Date#toISOString writes, "YYYY-MM-DDTHH:MM:SS.mmmZ", without a regular expression
 * (verify reads two per event); undefined for anything else, including days past the 28th and
 * years before 1000, which the general path judges as Date.parse does.
 */
function zuluMicros(t: string): number | undefined {
  if (t.length !== 24 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58
    || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 46 || t.charCodeAt(23) !== 90) return undefined;
  const y = digits(t, 0, 4);
  const mo = digits(t, 5, 2);
  const d = digits(t, 8, 2);
  const h = digits(t, 11, 2);
  const mi = digits(t, 14, 2);
  const s = digits(t, 17, 2);
  const ms = digits(t, 20, 3);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > 28 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s) * 1000 + ms * 1000;
}

/** The decimal number of `length` digits at `from`; -1 when one is not a digit. */
function digits(t: string, from: number, length: number): number {
  let v = 0;
  for (let i = from; i < from + length; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
