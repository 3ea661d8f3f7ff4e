import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readDeliveryBody } from './read-delivery-body.js';

const ok = (text: string) => {
  const r = readDeliveryBody(text);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('readDeliveryBody', () => {
  it('replaces lone surrogates from escapes of either case, in texts and keys, by U+FFFD', () => {
    for (const escape of ['\\ud800', '\\uD800', '\\udbff', '\\uDBFF', '\\uDc00', '\\udfff', '\\uDFFF', '\\uDa1b', '\\udE9f', '\\uD9Ab']) {
      expect(ok(`{"a":"x${escape}"}`), escape).toEqual({ a: 'x\uFFFD' });
      expect(ok(`{"k${escape}":[1]}`), escape).toEqual({ 'k\uFFFD': [1] });
    }
    expect(ok('{"a":"x\\ud800y","b":["\\uDFFF"],"k\\uDc00":1}')).toEqual({ a: 'x\uFFFDy', b: ['\uFFFD'], 'k\uFFFD': 1 });
    expect(ok('{"a":{"b":"\\udc00\\ud83d"}}')).toEqual({ a: { b: '\uFFFD\uFFFD' } });
  });

  it('keeps valid pairs, escaped or not, and text that only looks like an escape', () => {
    expect(ok('{"a":"\\ud83d\\ude00","b":"\u{1F600}","c":"\\\\ud800"}')).toEqual({ a: '\u{1F600}', b: '\u{1F600}', c: '\\ud800' });
  });

  it('reads a GitLab push delivery as JSON.parse does', () => {
    const text = readFileSync(new URL('../../test/fixtures/gitlab-webhooks/push.json', import.meta.url), 'utf8');
    expect(ok(text)).toEqual(JSON.parse(text));
  });

  it('says why a body cannot be stored', () => {
    expect(readDeliveryBody('{"a":')).toEqual({ ok: false, reason: 'the body is not JSON' });
    expect(readDeliveryBody('[1]')).toEqual({ ok: false, reason: 'the body is not a JSON object' });
    expect(readDeliveryBody('{"a":"\\u0000"}')).toMatchObject({ ok: false, reason: expect.stringMatching(/^a: contains the NUL character/) });
  });
});
