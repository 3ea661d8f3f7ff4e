import { describe, expect, it } from 'vitest';
import { shannonEntropy } from './entropy.js';

describe('shannonEntropy', () => {
  it('is 0 for empty and single-symbol strings', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('xxxxxxxx')).toBe(0);
  });

  it('is log2(n) for n distinct symbols', () => {
    expect(shannonEntropy('ab')).toBeCloseTo(1);
    expect(shannonEntropy('abcdefgh')).toBeCloseTo(3);
    expect(shannonEntropy('aé')).toBeCloseTo(1);
  });

  it('scores random keys above and words below the generic threshold of 3.5', () => {
    expect(shannonEntropy('q7Lm2Xv9Kp4Tz8Wn3Yb6Hc1J')).toBeGreaterThan(3.5);
    expect(shannonEntropy('passwordpassword')).toBeLessThan(3.5);
  });

  it('gives the same result on repeated calls (its counting table is reset)', () => {
    const first = shannonEntropy('hello world');
    expect(shannonEntropy('hello world')).toBe(first);
  });
});
