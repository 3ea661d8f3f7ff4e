import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { readTopLevelSeq } from './read-top-level-seq.js';

describe('readTopLevelSeq', () => {
  it('reads only the top-level member, past nested objects, arrays and strings that mention seq', () => {
    expect(readTopLevelSeq('{"a":{"seq":1},"b":[{"seq":2}],"c":"\\"seq\\":3","d\\\\":"x\\\\","seq":4}')).toBe(4);
    expect(readTopLevelSeq('{"seq":0}')).toBe(0);
    expect(readTopLevelSeq('{"data":{"seq":1},"zeta":2}')).toBeUndefined();
    expect(readTopLevelSeq('{"sequence":5,"seq":6}')).toBe(6);
    // A nested "seq" after the top-level one defeats the lastIndexOf fast path, not the answer.
    expect(readTopLevelSeq('{"seq":1,"z":{"seq":2}}')).toBe(1);
    expect(readTopLevelSeq('{"a":{"seq":2},"b":"}"}')).toBeUndefined();
    expect(readTopLevelSeq('{"a":"\\","seq":3,"b":["}",{"c":"\\\"}"}]}')).toBe(3);
  });

  it('answers undefined for anything but a plain non-negative integer', () => {
    for (const text of ['{"seq":-1}', '{"seq":1.5}', '{"seq":01}', '{"seq":"1"}', '{"seq":1e3}', '[{"seq":1}]', '{"seq":', '{"a":"unterminated']) {
      expect(readTopLevelSeq(text), text).toBeUndefined();
    }
  });

  it('agrees with JSON.parse on canonical JSON objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.nat(), (object, seq) => {
        expect(readTopLevelSeq(canonicalJson({ ...object, seq }))).toBe(seq);
        const without = Object.fromEntries(Object.entries(object).filter(([k]) => k !== 'seq'));
        expect(readTopLevelSeq(canonicalJson(without))).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
