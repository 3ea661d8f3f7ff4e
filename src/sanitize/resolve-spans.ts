import type { Candidate } from './candidate.js';

// Turns overlapping candidates into disjoint spans. Overlapping candidates
// are merged into one span covering all of them, so a secret is never left
// half-exposed because a shorter, overlapping reading won. The span is named
// after its most specific member (lowest priority number), then the longest,
// then the earliest: `PRIVATE-TOKEN: glpat-...` stays a gitlab_token even when
// the generic assignment reading covers a few more characters.
// Spans that merely touch stay separate.

export interface Span {
  start: number;
  end: number;
  kind: string;
}

export function resolveSpans(candidates: Candidate[]): Span[] {
  if (candidates.length === 0) return [];
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: Span[] = [];
  let best: Candidate | undefined;
  let start = 0;
  let end = 0;
  for (const c of candidates) {
    if (best !== undefined && c.start < end) {
      if (c.end > end) end = c.end;
      if (isBetter(c, best)) best = c;
      continue;
    }
    if (best !== undefined) spans.push({ start, end, kind: best.kind });
    best = c;
    start = c.start;
    end = c.end;
  }
  if (best !== undefined) spans.push({ start, end, kind: best.kind });
  return spans;
}

function isBetter(a: Candidate, b: Candidate): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  const la = a.end - a.start;
  const lb = b.end - b.start;
  if (la !== lb) return la > lb;
  return a.start < b.start;
}
