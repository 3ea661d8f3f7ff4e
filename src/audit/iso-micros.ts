const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * An ISO 8601 date-time (as the event catalog accepts it) in microseconds since the epoch,
 * rounded as PostgreSQL rounds it into a timestamptz (rint of the fraction in microseconds);
 * undefined for anything else.
 */
export function isoMicros(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
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
