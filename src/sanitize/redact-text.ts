import { fingerprint } from './fingerprint.js';
import { redactionToken } from './redaction-token.js';
import type { Span } from './resolve-spans.js';

// Replaces found spans with redaction tokens, then checks its own output:
// replacing text changes what sits next to the remaining text, and a rule
// blocked by a neighbouring character may now match. Anything found in the
// output is mapped back to the original text and redacted too, until the
// output has nothing left to find. That makes sanitizing idempotent by
// construction. Findings always refer to positions in the original text.
//
// A secret found once is redacted wherever else it occurs in the same text:
// a password recognised in `postgres://app:PW@db` is also removed where the
// same characters appear bare in a sentence.

export interface Finding {
  kind: string;
  fingerprint: string;
  start: number;
  end: number;
}

const MAX_ROUNDS = 8;

export function redactText(
  text: string,
  findSpans: (text: string) => Span[],
  key: Buffer,
): { text: string; findings: Finding[] } {
  if (typeof text !== 'string') throw new TypeError('sanitizeText expects a string');
  let spans = findSpans(text);
  if (spans.length === 0) return { text, findings: [] };
  spans = withRepeats(text, spans);
  const fingerprints = new Map<string, string>();
  const fp = (secret: string): string => {
    let value = fingerprints.get(secret);
    if (value === undefined) {
      value = fingerprint(key, secret);
      fingerprints.set(secret, value);
    }
    return value;
  };
  for (let round = 0; ; round++) {
    const rendered = render(text, spans, fp);
    const extra = findSpans(rendered.text);
    if (extra.length === 0) {
      const findings = spans.map((s) => ({ kind: s.kind, fingerprint: fp(text.slice(s.start, s.end)), start: s.start, end: s.end }));
      return { text: rendered.text, findings };
    }
    if (round === MAX_ROUNDS) throw new Error(`sanitizer output did not settle after ${MAX_ROUNDS} rounds`);
    spans = withRepeats(text, [...spans, ...mapBack(extra, spans, rendered.outEnds)].sort((a, b) => a.start - b.start));
  }
}

/** Shortest secret whose other occurrences are redacted too; shorter ones are too likely to be ordinary words. */
const MIN_REPEAT = 6;

/**
 * Adds a span for every other occurrence of a found secret. An occurrence
 * that overlaps a span already there is merged with it, never left half
 * visible.
 */
function withRepeats(text: string, spans: Span[]): Span[] {
  const added: Span[] = [];
  const seen = new Set<string>();
  for (const s of spans) {
    if (s.end - s.start < MIN_REPEAT) continue;
    const secret = text.slice(s.start, s.end);
    if (seen.has(secret)) continue;
    seen.add(secret);
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + secret.length)) {
      if (at !== s.start) added.push({ start: at, end: at + secret.length, kind: s.kind });
    }
  }
  if (added.length === 0) return spans;
  return mergeOverlaps([...spans, ...added].sort((a, b) => a.start - b.start || b.end - a.end));
}

/** Sorted spans to disjoint ones; a merged span keeps the kind of its longest part. */
function mergeOverlaps(sorted: readonly Span[]): Span[] {
  const merged: Span[] = [];
  let longest = 0;
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && s.start < last.end) {
      if (s.end - s.start > longest) {
        longest = s.end - s.start;
        last.kind = s.kind;
      }
      if (s.end > last.end) last.end = s.end;
    } else {
      merged.push({ ...s });
      longest = s.end - s.start;
    }
  }
  return merged;
}

function render(text: string, spans: readonly Span[], fp: (secret: string) => string): { text: string; outEnds: number[] } {
  const parts: string[] = [];
  const outEnds: number[] = [];
  let at = 0;
  let length = 0;
  for (const s of spans) {
    const keep = text.slice(at, s.start);
    const token = redactionToken(s.kind, fp(text.slice(s.start, s.end)));
    parts.push(keep, token);
    length += keep.length + token.length;
    outEnds.push(length);
    at = s.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), outEnds };
}

/** Output positions to original ones; `extra` never overlaps a token, and both lists are sorted. */
function mapBack(extra: readonly Span[], spans: readonly Span[], outEnds: readonly number[]): Span[] {
  const mapped: Span[] = [];
  let k = 0;
  let shift = 0;
  for (const e of extra) {
    while (k < spans.length && (outEnds[k] ?? Infinity) <= e.start) {
      shift = (outEnds[k] ?? 0) - (spans[k]?.end ?? 0);
      k++;
    }
    mapped.push({ start: e.start - shift, end: e.end - shift, kind: e.kind });
  }
  return mapped;
}
