import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { serviceError } from './service-client.js';

const URL_ = 'http://127.0.0.1:8080';

describe('serviceError', () => {
  it("turns the service's refusal into the AppError the CLI would have thrown itself", async () => {
    const err = await serviceError(Response.json({ error: 'invalid', message: 'from: must be a date' }, { status: 400 }), URL_);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid', message: 'from: must be a date' });
    expect(await serviceError(Response.json({ error: 'not_found', message: 'no job 7' }, { status: 404 }), URL_)).toMatchObject({ code: 'not_found' });
  });

  it('answers a plain error for codes it does not know (inherited names included), 5xx answers and text that is not JSON', async () => {
    for (const res of [
      Response.json({ error: 'constructor', message: 'x' }, { status: 400 }),
      Response.json({ error: 'toString', message: 'x' }, { status: 400 }),
      Response.json({ error: 'teapot', message: 'x' }, { status: 418 }),
      Response.json({ error: 'unavailable', message: 'the database is unavailable' }, { status: 503 }),
      new Response('Bad Gateway', { status: 502 }),
    ]) {
      const err = await serviceError(res, URL_);
      expect(err).not.toBeInstanceOf(AppError);
      expect(err.message).toMatch(/^the service running at http:\/\/127\.0\.0\.1:8080 could not do it: \S/);
    }
  });
});
