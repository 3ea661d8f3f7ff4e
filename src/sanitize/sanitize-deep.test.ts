import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createSanitizer, fingerprint, MAX_DEPTH, redactionToken, SanitizerInputError } from './index.js';
import { sensitiveKeyKind } from './sensitive-key.js';

const key = Buffer.from('sanitize-value-test-key');
const sanitizer = createSanitizer({ key });
const GLPAT = 'glpat-q7Lm2Xv9Kp4Tz8Wn3Yb6';

describe('sanitizeValue', () => {
  it('sanitizes every string of nested JSON and keeps keys and scalars', () => {
    const event = {
      input_context: { env: { DATABASE_URL: 'postgres://app:S3cr3t!@db/x', NODE_ENV: 'production' } },
      tool_args: { command: `git clone https://oauth2:${GLPAT}@gitlab.example.com/g/p.git`, retries: 3, dry_run: false, cwd: null },
      plan_steps: ['read src/app.ts', 'email maria.lopez@acme.io the summary'],
    };
    const { value, findings } = sanitizer.sanitizeValue(event);
    expect(value.input_context.env.DATABASE_URL).toBe(`postgres://app:${redactionToken('password', fingerprint(key, 'S3cr3t!'))}@db/x`);
    expect(value.input_context.env.NODE_ENV).toBe('production');
    expect(value.tool_args.command).toBe(
      `git clone https://oauth2:${redactionToken('gitlab_token', fingerprint(key, GLPAT))}@gitlab.example.com/g/p.git`,
    );
    expect(value.tool_args.retries).toBe(3);
    expect(value.tool_args.dry_run).toBe(false);
    expect(value.tool_args.cwd).toBeNull();
    expect(value.plan_steps[1]).toMatch(/^email \[REDACTED:email:[0-9a-f]{8}\] the summary$/);
    expect(findings.map((f) => f.kind).sort()).toEqual(['email', 'gitlab_token', 'password']);
    expect(Object.keys(value)).toEqual(Object.keys(event));
  });

  it('redacts whole string values under sensitive keys, whatever they look like', () => {
    const { value, findings } = sanitizer.sanitizeValue({
      password: 'pw',
      'X-Gitlab-Token': 'shared secret phrase',
      headers: { Authorization: 'Bearer short', Cookie: 'sid=1', 'private-key': 'k' },
      client_secret: 'abc',
      api_key: 'demo',
      AWS_ACCESS_KEY: 'x',
      apiKeys: ['not sensitive by name'],
    });
    expect(value.password).toBe(redactionToken('password', fingerprint(key, 'pw')));
    expect(value['X-Gitlab-Token']).toBe(redactionToken('secret', fingerprint(key, 'shared secret phrase')));
    expect(value.headers.Authorization).toBe(redactionToken('secret', fingerprint(key, 'Bearer short')));
    expect(value.headers.Cookie).toMatch(/^\[REDACTED:secret:[0-9a-f]{8}\]$/);
    expect(value.headers['private-key']).toMatch(/^\[REDACTED:secret:[0-9a-f]{8}\]$/);
    expect(value.client_secret).toMatch(/^\[REDACTED:secret:/);
    expect(value.api_key).toMatch(/^\[REDACTED:secret:/);
    expect(value.AWS_ACCESS_KEY).toMatch(/^\[REDACTED:secret:/);
    expect(value.apiKeys).toEqual(['not sensitive by name']);
    expect(findings.filter((f) => f.kind === 'password')).toEqual([{ kind: 'password', fingerprint: fingerprint(key, 'pw'), start: 0, end: 2 }]);
  });

  it('leaves empty, already redacted and non-string values under sensitive keys alone', () => {
    const token = redactionToken('password', '0badc0de');
    const input = { password: '', token, secret: 1234, passwd: null, db_password: true };
    const { value, findings } = sanitizer.sanitizeValue(input);
    expect(value).toEqual(input);
    expect(findings).toEqual([]);
  });

  it('redacts strings in arrays under a sensitive key', () => {
    const { value } = sanitizer.sanitizeValue({ tokens_list: ['a'], secret: ['one', 'two'] });
    expect(value.tokens_list).toEqual(['a']);
    expect(value.secret[0]).toMatch(/^\[REDACTED:secret:/);
    expect(value.secret[1]).toMatch(/^\[REDACTED:secret:/);
  });

  it('returns the same object when nothing changes and never mutates the input', () => {
    const clean = { a: ['x', { b: 'y' }], n: 1 };
    expect(sanitizer.sanitizeValue(clean).value).toBe(clean);
    const dirty = { keep: { z: 'plain' }, leak: { password: 'hunter2' } };
    const snapshot = JSON.parse(JSON.stringify(dirty)) as unknown;
    const { value } = sanitizer.sanitizeValue(dirty);
    expect(dirty).toEqual(snapshot);
    expect(value.keep).toBe(dirty.keep);
    expect(value.leak).not.toBe(dirty.leak);
  });

  it('sanitizes a bare string and passes scalars through', () => {
    expect(sanitizer.sanitizeValue('mail bob@example.org').value).toMatch(/^mail \[REDACTED:email:/);
    expect(sanitizer.sanitizeValue(7).value).toBe(7);
    expect(sanitizer.sanitizeValue(null).value).toBeNull();
  });

  it('is idempotent on its own output', () => {
    const once = sanitizer.sanitizeValue({ password: 'pw', note: `use ${GLPAT}`, list: ['10.1.2.3'] }).value;
    const twice = sanitizer.sanitizeValue(once);
    expect(twice.value).toEqual(once);
    expect(twice.findings).toEqual([]);
  });

  it('keeps a __proto__ key as data instead of changing the prototype', () => {
    const input = JSON.parse('{"__proto__": {"password": "x"}, "a": "bob@example.org"}') as Record<string, unknown>;
    const { value } = sanitizer.sanitizeValue(input);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
  });

  it('passes Dates through and refuses objects it cannot read rather than skipping them', () => {
    const when = new Date(0);
    expect(sanitizer.sanitizeValue({ when }).value.when).toBe(when);
    expect(() => sanitizer.sanitizeValue({ m: new Map([['password', 'x']]) })).toThrow(/cannot read a Map/);
    expect(() => sanitizer.sanitizeValue({ b: Buffer.from('password=x') })).toThrow(TypeError);
  });

  it('throws on a circular structure rather than walking forever', () => {
    const loop: Record<string, unknown> = { a: 'x' };
    loop.self = loop;
    expect(() => sanitizer.sanitizeValue(loop)).toThrow(/circular/);
  });
});

describe('sanitizeValue on object keys', () => {
  const EMAIL = 'alice.smith@example.com';
  const AWS = 'AKIAZ7Q4R2LMNOP3STUV';

  it('replaces a key holding a secret or personal data with the placeholder a value would get', () => {
    const { value, findings } = sanitizer.sanitizeValue({ [EMAIL]: 'reviewer', [GLPAT]: 1, [`mail ${EMAIL} now`]: true, plain_key: 'x' });
    expect(Object.keys(value)).toEqual([
      redactionToken('email', fingerprint(key, EMAIL)),
      redactionToken('gitlab_token', fingerprint(key, GLPAT)),
      `mail ${redactionToken('email', fingerprint(key, EMAIL))} now`,
      'plain_key',
    ]);
    expect(Object.values(value)).toEqual(['reviewer', 1, true, 'x']);
    expect(findings.map((f) => f.kind)).toEqual(['email', 'gitlab_token', 'email']);
  });

  it('sanitizes keys at every depth, inside arrays, and keys and values of one object together', () => {
    const { value } = sanitizer.sanitizeValue({ list: [{ [AWS]: { [EMAIL]: `to ${EMAIL}` } }] });
    const inner = value.list[0]!;
    const awsKey = redactionToken('aws_access_key_id', fingerprint(key, AWS));
    expect(Object.keys(inner)).toEqual([awsKey]);
    const leaf = (inner as Record<string, Record<string, string>>)[awsKey]!;
    expect(leaf).toEqual({ [redactionToken('email', fingerprint(key, EMAIL))]: `to ${redactionToken('email', fingerprint(key, EMAIL))}` });
  });

  it('suffixes #2, #3 in key order when sanitized keys meet, never overwriting one', () => {
    const token = redactionToken('email', fingerprint(key, EMAIL));
    const { value } = sanitizer.sanitizeValue({ [token]: 'already', [EMAIL]: 'raw', [`${token}#2`]: 'literal' });
    expect(Object.entries(value)).toEqual([[token, 'already'], [`${token}#2`, 'raw'], [`${token}#2#2`, 'literal']]);
    // The same input gives the same names, and the output is a fixed point.
    expect(Object.keys(sanitizer.sanitizeValue({ [token]: 'already', [EMAIL]: 'raw', [`${token}#2`]: 'literal' }).value)).toEqual(Object.keys(value));
    expect(sanitizer.sanitizeValue(value).value).toBe(value);
  });

  it('judges the value under a key by the original key', () => {
    const { value } = sanitizer.sanitizeValue({ [`${EMAIL}_password`]: 'short' });
    expect(Object.values(value)).toEqual([redactionToken('password', fingerprint(key, 'short'))]);
  });

  it('keeps __proto__ and constructor keys as plain data when it renames keys beside them', () => {
    const input = JSON.parse(`{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": 1}, "${EMAIL}": 1}`) as Record<string, unknown>;
    const { value } = sanitizer.sanitizeValue(input);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', redactionToken('email', fingerprint(key, EMAIL))]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the field names flowtrail reads: every key of the GitLab fixtures comes out unchanged', () => {
    const keysOf = (v: unknown, out: Set<string>): Set<string> => {
      if (Array.isArray(v)) for (const x of v) keysOf(x, out);
      else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) keysOf(x, out.add(k));
      return out;
    };
    for (const dir of ['gitlab-webhooks', 'gitlab-dap']) {
      const base = new URL(`../../test/fixtures/${dir}/`, import.meta.url);
      for (const file of readdirSync(base).filter((f) => f.endsWith('.json'))) {
        const parsed = JSON.parse(readFileSync(new URL(file, base), 'utf8')) as unknown;
        expect([...keysOf(sanitizer.sanitizeValue(parsed).value, new Set())], file).toEqual([...keysOf(parsed, new Set())]);
      }
    }
  });

  it(`walks ${MAX_DEPTH} levels and refuses deeper nesting with a SanitizerInputError, whatever the depth`, () => {
    const nest = (n: number): unknown => {
      let v: unknown = 'x';
      for (let i = 0; i < n; i++) v = i % 2 === 0 ? { a: v } : [v];
      return v;
    };
    expect(() => sanitizer.sanitizeValue(nest(MAX_DEPTH))).not.toThrow();
    expect(() => sanitizer.sanitizeValue(nest(MAX_DEPTH + 1))).toThrow(SanitizerInputError);
    expect(() => sanitizer.sanitizeValue(nest(1_000_000))).toThrow(SanitizerInputError);
  });
});

describe('sensitiveKeyKind', () => {
  it.each([
    ['password', 'password'],
    ['DB_PASSWORD', 'password'],
    ['passwd', 'password'],
    ['newPassword', 'password'],
    ['db.pwd', 'password'],
    ['secret', 'secret'],
    ['client_secret', 'secret'],
    ['token', 'secret'],
    ['GITLAB_TOKEN', 'secret'],
    ['api_key', 'secret'],
    ['apikey', 'secret'],
    ['x-api-key', 'secret'],
    ['private_key', 'secret'],
    ['Authorization', 'secret'],
    ['cookie', 'secret'],
    ['Set-Cookie', 'secret'],
    ['access_key', 'secret'],
    ['aws.secret_access_key', 'secret'],
    ['credentials', 'secret'],
    ['auth', 'secret'],
  ])('treats %s as %s', (k, kind) => {
    expect(sensitiveKeyKind(k)).toBe(kind);
  });

  it.each(['max_tokens', 'token_type', 'tokens', 'secret_name', 'password_hint', 'author', 'keys', 'primary_key', 'pwd', 'OLDPWD', 'key_id', 'token_count', 'cookie_name'])(
    'does not treat %s as sensitive',
    (k) => {
      expect(sensitiveKeyKind(k)).toBeNull();
    },
  );
});
