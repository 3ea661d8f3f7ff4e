import { describe, expect, it } from 'vitest';
import { exceedsDepth } from './exceeds-depth.js';

describe('exceedsDepth', () => {
  it('counts objects and arrays as levels and scalars as none', () => {
    expect(exceedsDepth('text', 0)).toBe(false);
    expect(exceedsDepth({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(exceedsDepth({ a: [1, { b: 2 }] }, 2)).toBe(true);
    expect(exceedsDepth({ a: 1, b: [], c: {} }, 2)).toBe(false);
  });

  it('measures nesting JSON.parse accepts, far deeper than the call stack, without recursion', () => {
    const n = 200_000;
    expect(exceedsDepth(JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`), 64)).toBe(true);
  });
});
