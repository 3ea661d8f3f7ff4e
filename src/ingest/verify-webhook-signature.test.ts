import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from './verify-webhook-signature.js';

const dir = new URL('../../test/fixtures/gitlab-webhooks/', import.meta.url);
const headers = JSON.parse(readFileSync(new URL('headers.json', dir), 'utf8')) as Record<string, Record<string, string>> & { _fixture_signing_token: string };
const key = headers._fixture_signing_token;

describe('verifyWebhookSignature', () => {
  it.each(['push', 'merge_request_open', 'note_on_mr'])('accepts the real signature of the %s fixture', (name) => {
    const h = headers[name]!;
    const body = readFileSync(new URL(`${name}.json`, dir), 'utf8');
    const at = Number(h['webhook-timestamp']);
    expect(verifyWebhookSignature(key, { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'], body }, at + 10)).toBe(true);
  });

  it('refuses a changed body, another key, an old timestamp and missing headers', () => {
    const h = headers.push!;
    const body = readFileSync(new URL('push.json', dir), 'utf8');
    const d = { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'], body };
    const at = Number(h['webhook-timestamp']);
    expect(verifyWebhookSignature(key, { ...d, body: body.replace('main', 'mainx') }, at)).toBe(false);
    expect(verifyWebhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', d, at)).toBe(false);
    expect(verifyWebhookSignature(key, d, at + 301)).toBe(false);
    expect(verifyWebhookSignature(key, { ...d, signature: undefined }, at)).toBe(false);
    expect(verifyWebhookSignature(key, { ...d, signature: `v1,AAAA ${d.signature}` }, at)).toBe(true);
  });
});
