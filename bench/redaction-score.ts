// Scores a redactor on the redaction corpus (bench/fixtures/redaction-corpus.ts):
// per kind, the share of positives whose every value is gone from the output
// (recall), and per negative kind the share of clean lines that came out with
// any redaction (false positives). Main and held-out template sets are scored
// apart.

import type { Category, NegativeLine, PositiveLine, RedactionCorpus } from './fixtures/redaction-corpus.js';

export type Redact = (line: string) => string;

export interface KindScore {
  kind: string;
  category: Category;
  total: number;
  caught: number;
  recall: number;
  /** Up to three lines that leaked, for the report. */
  leaked: string[];
}

export interface NegativeScore {
  kind: string;
  total: number;
  flagged: number;
  rate: number;
  examples: string[];
}

export interface SetScore {
  kinds: KindScore[];
  negatives: NegativeScore[];
  /** Recall over all secrets and personal data other than names. */
  recallSecretsAndPersonal: number;
  recallNames: number;
  /** Share of clean lines with any redaction. */
  falsePositiveRate: number;
  positives: number;
  clean: number;
}

export function scoreRedaction(corpus: RedactionCorpus, redact: Redact, heldOut: boolean): SetScore {
  const positives = corpus.positives.filter((p) => p.heldOut === heldOut);
  const negatives = corpus.negatives.filter((n) => n.heldOut === heldOut);
  const byKind = new Map<string, KindScore>();
  for (const p of positives) {
    const score = byKind.get(p.kind) ?? { kind: p.kind, category: p.category, total: 0, caught: 0, recall: 0, leaked: [] };
    byKind.set(p.kind, score);
    score.total++;
    const out = redact(p.line);
    if (isCaught(p, out)) score.caught++;
    else if (score.leaked.length < 3) score.leaked.push(out);
  }
  const kinds = [...byKind.values()];
  for (const k of kinds) k.recall = k.caught / k.total;
  const byNeg = new Map<string, NegativeScore>();
  for (const n of negatives) {
    const score = byNeg.get(n.kind) ?? { kind: n.kind, total: 0, flagged: 0, rate: 0, examples: [] };
    byNeg.set(n.kind, score);
    score.total++;
    const out = redact(n.line);
    if (isFlagged(n, out)) {
      score.flagged++;
      if (score.examples.length < 3) score.examples.push(out);
    }
  }
  const negs = [...byNeg.values()];
  for (const n of negs) n.rate = n.flagged / n.total;
  const sum = (ks: KindScore[], f: (k: KindScore) => number): number => ks.reduce((a, k) => a + f(k), 0);
  const secretKinds = kinds.filter((k) => k.category !== 'name');
  const nameKinds = kinds.filter((k) => k.category === 'name');
  return {
    kinds,
    negatives: negs,
    recallSecretsAndPersonal: sum(secretKinds, (k) => k.caught) / Math.max(1, sum(secretKinds, (k) => k.total)),
    recallNames: sum(nameKinds, (k) => k.caught) / Math.max(1, sum(nameKinds, (k) => k.total)),
    falsePositiveRate: negs.reduce((a, n) => a + n.flagged, 0) / Math.max(1, negatives.length),
    positives: positives.length,
    clean: negatives.length,
  };
}

function isCaught(p: PositiveLine, out: string): boolean {
  return p.values.every((v) => !out.includes(v));
}

function isFlagged(n: NegativeLine, out: string): boolean {
  return out !== n.line;
}
