import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

// Input/output pairs from cyberphone/json-canonicalization testdata/ (the RFC 8785 author's
// reference test data). Inputs are the JSON texts of testdata/input/<name>.json; outputs are the
// exact contents of testdata/output/<name>.json, with invisible characters written as escapes.
const vectors: [name: string, input: string, output: string][] = [
  [
    // testdata/input/structures.json, testdata/output/structures.json
    'structures',
    String.raw`{
  "1": {"f": {"f": "hi","F": 5} ,"\n": 56.0},
  "10": { },
  "": "empty",
  "a": { },
  "111": [ { } ],
  "A": { }
}`,
    String.raw`{"":"empty","1":{"\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}`,
  ],
  [
    // testdata/input/values.json, testdata/output/values.json
    'values',
    String.raw`{
  "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],
  "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`,
    String.raw`{"escaping":"€$\u000f\nA'B\"\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}`,
  ],
  [
    // testdata/input/weird.json, testdata/output/weird.json (output holds raw U+0080, U+007F, U+FB33)
    'weird',
    String.raw`{
  "\u20ac": "Euro Sign",
  "1": "One",
  "\u0080": "Control\u007f",
  "\ud83d\ude02": "Smiley",
  "\u00f6": "Latin Small Letter O With Diaeresis",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "</script>": "Browser Challenge"
}`,
    '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  ],
  [
    // testdata/input/french.json, testdata/output/french.json
    'french',
    `{
  "peach": "This sorting order",
  "p\u00e9ch\u00e9": "is wrong according to French",
  "p\u00eache": "but canonicalization MUST",
  "sin":   "ingnore locale"
}`,
    '{"peach":"This sorting order","p\u00e9ch\u00e9":"is wrong according to French","p\u00eache":"but canonicalization MUST","sin":"ingnore locale"}',
  ],
  [
    // testdata/input/unicode.json, testdata/output/unicode.json (no Unicode normalization)
    'unicode',
    String.raw`{
  "Unnormalized Unicode":"\u1e0d\u0307"
}`,
    '{"Unnormalized Unicode":"\u1e0d\u0307"}',
  ],
];

// RFC 8785 Appendix B, "Number Serialization Samples": IEEE 754 bit pattern → canonical text.
// The RFC text itself is not in the reference index; this table was checked against four
// independent copies of it, and the first and last four rows also appear as sample lines in
// cyberphone/json-canonicalization testdata/README.md ("ES6 Numbers").
const appendixB: [bits: string, text: string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
  // cyberphone/json-canonicalization testdata/README.md sample lines
  ['4340000000000001', '9007199254740994'],
  ['4340000000000002', '9007199254740996'],
];

function double(bits: string): number {
  return Buffer.from(bits, 'hex').readDoubleBE(0);
}

describe('canonicalJson', () => {
  it.each(vectors)('matches the cyberphone %s vector', (_name, input, output) => {
    expect(canonicalJson(JSON.parse(input))).toBe(output);
  });

  it('produces the exact UTF-8 bytes of testdata/outhex/simpleString.txt', () => {
    // cyberphone/json-canonicalization testdata/input/simpleString.json and outhex/simpleString.txt
    const hex = '22 74 68 69 73 20 69 73 20 61 20 74 65 73 74 20 73 74 72 69 6E 67 20 31 32 33 35 22';
    const bytes = Buffer.from(canonicalJson(JSON.parse('    "this is a test string 1235"')), 'utf8');
    expect(bytes.toString('hex')).toBe(hex.replaceAll(' ', '').toLowerCase());
  });

  it.each(appendixB)('serializes the double 0x%s as %s', (bits, text) => {
    expect(canonicalJson(double(bits))).toBe(text);
  });

  it('sorts member names by UTF-16 code units, not code points or locale', () => {
    // U+FB33 is one code unit above the surrogates of U+1F602, so it sorts after the emoji.
    expect(canonicalJson({ '\ufb33': 1, '\ud83d\ude02': 2, a: 3, B: 4 })).toBe('{"B":4,"a":3,"\ud83d\ude02":2,"\ufb33":1}');
  });

  it('omits undefined members, writes undefined array items as null and honours toJSON', () => {
    const at = new Date('2025-01-02T03:04:05.678Z');
    expect(canonicalJson({ b: undefined, a: [undefined, 1], at })).toBe('{"a":[null,1],"at":"2025-01-02T03:04:05.678Z"}');
  });

  it('throws a TypeError for values that are not JSON data', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      { n: Number.NEGATIVE_INFINITY },
      10n,
      { f: () => 1 },
      [Symbol('s')],
      'lone \ud800 surrogate',
      { '\udc00': 'lone low surrogate in a name' },
      cyclic,
    ]) {
      expect(() => canonicalJson(bad), String(typeof bad)).toThrow(TypeError);
    }
  });

  it('agrees with JSON.stringify applied member by member in sorted order, and is idempotent', () => {
    // Object.fromEntries would move integer-like names first, so the oracle sorts while writing.
    const reference = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
      if (typeof v !== 'object' || v === null) return JSON.stringify(v);
      const names = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${names.map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, unknown>)[k])}`).join(',')}}`;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(text).toBe(reference(value));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
