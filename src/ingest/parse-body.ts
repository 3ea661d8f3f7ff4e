import { AppError } from '../errors.js';
import { MAX_DEPTH } from '../sanitize/index.js';
import { exceedsDepth } from './exceeds-depth.js';

export type ParsedItem = { index: number; value: unknown } | { index: number; error: string };

export const MAX_EVENTS_PER_REQUEST = 10_000;

/**
 * Splits a request body into items: one JSON value, a JSON array, or NDJSON
 * (one value per line). A body that is none of these is a 400; in NDJSON a bad
 * line is that item's rejection and the other lines go on.
 */
export function parseEventBody(body: string, contentType: string | undefined): ParsedItem[] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const ndjson = type === 'application/x-ndjson' || type === 'application/jsonl' || type === 'application/ndjson' || type === 'application/jsonlines';
  if (body.trim() === '') throw new AppError('invalid', 'the request body is empty');
  if (!ndjson) {
    const whole = tryParse(body);
    if (whole.ok) {
      const values = Array.isArray(whole.value) ? whole.value : [whole.value];
      if (values.length > MAX_EVENTS_PER_REQUEST) throw tooMany(values.length);
      return values.map((value, index) => item(index, value));
    }
    // Without a content type saying so, still accept NDJSON of two or more lines.
    if (type === 'application/json' || !body.trim().includes('\n')) {
      throw new AppError('invalid', `the body is not valid JSON: ${whole.error}`);
    }
  }
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > MAX_EVENTS_PER_REQUEST) throw tooMany(lines.length);
  const items = lines.map((line, index): ParsedItem => {
    const p = tryParse(line);
    return p.ok ? item(index, p.value) : { index, error: `line ${index + 1} is not valid JSON: ${p.error}` };
  });
  if (items.every((i) => 'error' in i)) throw new AppError('invalid', 'the body is neither JSON nor NDJSON');
  return items;
}

/** An item nested deeper than the sanitizer walks is that item's rejection, before anything recursive reads it. */
function item(index: number, value: unknown): ParsedItem {
  if (exceedsDepth(value, MAX_DEPTH)) return { index, error: `the event is nested deeper than ${MAX_DEPTH} levels` };
  return { index, value };
}

function tooMany(n: number): AppError {
  return new AppError('too_large', `${n} events in one request; the limit is ${MAX_EVENTS_PER_REQUEST}`);
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
