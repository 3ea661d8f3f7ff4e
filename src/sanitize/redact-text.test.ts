import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSanitizer } from './index.js';

// Properties of the whole pipeline: a generated secret embedded in generated
// text never survives, sanitizing is idempotent, and arbitrary input never
// makes the sanitizer throw.

const sanitizer = createSanitizer({ key: Buffer.from('property-test-key') });

const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
const str = (chars: fc.Arbitrary<string>, n: number): fc.Arbitrary<string> =>
  fc.array(chars, { minLength: n, maxLength: n }).map((a) => a.join(''));
const highEntropy = (s: string): boolean => new Set(s).size >= 12;

function luhnComplete(partial: string): string {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let d = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return partial + String((10 - (sum % 10)) % 10);
}

const secrets: fc.Arbitrary<string> = fc.oneof(
  str(alnum, 20).filter(highEntropy).map((b) => `glpat-${b}`),
  str(alnum, 36).filter(highEntropy).map((b) => `ghp_${b}`),
  str(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), 16).filter((b) => new Set(b).size >= 8 && !b.endsWith('EXAMPLE')).map((b) => `AKIA${b}`),
  fc.tuple(str(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), 6), str(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), 5)).map(([u, d]) => `${u}@${d}.com`),
  str(fc.constantFrom(...'0123456789'), 14).map((d) => luhnComplete(`4${d}`)),
);

// Filler that cannot itself extend a token: words, spaces and punctuation.
const filler = fc.array(fc.constantFrom('the', 'plan', 'is', 'to', 'deploy', ' ', ' ', '.', ',', '\n', ': ', '(', ')', '"'), { maxLength: 12 }).map((a) => a.join(''));

describe('sanitizer properties', () => {
  it('never lets an embedded generated secret through', () => {
    fc.assert(
      fc.property(filler, secrets, filler, (before, secret, after) => {
        const text = `${before} ${secret} ${after}`;
        const { text: out, findings } = sanitizer.sanitizeText(text);
        expect(out).not.toContain(secret);
        expect(findings.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const once = sanitizer.sanitizeText(text).text;
        expect(sanitizer.sanitizeText(once).text).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent for strings built from secret-shaped pieces', () => {
    const piece = fc.oneof(secrets, filler, fc.constantFrom('password=', 'token: ', '://u:', '@', '+1 ', '-', '10.0.', '::', 'Bearer ', '='));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (pieces) => {
        const once = sanitizer.sanitizeText(pieces.join('')).text;
        expect(sanitizer.sanitizeText(once).text).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const { text: out, findings } = sanitizer.sanitizeText(text);
        expect(typeof out).toBe('string');
        for (const f of findings) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(text.length);
          expect(f.start).toBeLessThan(f.end);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reports findings whose spans, cut from the input, rebuild the output', () => {
    fc.assert(
      fc.property(filler, secrets, filler, secrets, (a, s1, b, s2) => {
        const text = `${a} ${s1} ${b} ${s2}`;
        const { text: out, findings } = sanitizer.sanitizeText(text);
        let rebuilt = '';
        let at = 0;
        for (const f of findings) {
          rebuilt += `${text.slice(at, f.start)}[REDACTED:${f.kind}:${f.fingerprint}]`;
          at = f.end;
        }
        expect(rebuilt + text.slice(at)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });
});
