import { describe, expect, it } from 'vitest';
import { hasNestedQuantifier } from './custom-rules.js';

describe('hasNestedQuantifier', () => {
  it.each(['(a+)+', '(a*)*', '(\\w+\\s?)*', '(?:x|y+)+', '((ab)+c)*', '(a{2,})+', '(a+){2,5}'])('flags %s', (src) => {
    expect(hasNestedQuantifier(src)).toBe(true);
  });

  it.each(['EMP-\\d{6}', '(?:ab)+', '(a|b)*c', '[(+)]+', '\\(a+\\)+', '(a{2}){3}', 'x(a+)?y', '(?:[A-Z]{2}\\d{2}){3}'])('accepts %s', (src) => {
    expect(hasNestedQuantifier(src)).toBe(false);
  });
});
