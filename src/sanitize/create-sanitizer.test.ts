import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSanitizer, fingerprint, redactionToken, SanitizerConfigError } from './index.js';

const key = Buffer.from('create-sanitizer-test-key-0123456789');
const sanitizer = createSanitizer({ key });
const GHP = 'ghp_q7Lm2Xv9Kp4Tz8Wn3Yb6Hc1Jd5Fg0RsAq7Lm';
const TOKEN = /^\[REDACTED:[a-z0-9_]+:[0-9a-f]{8}\]$/;

describe('redactionToken and fingerprint', () => {
  it('formats a token as [REDACTED:<kind>:<fp>]', () => {
    expect(redactionToken('github_token', '0badc0de')).toBe('[REDACTED:github_token:0badc0de]');
  });

  it('fingerprints with the first 8 hex characters of HMAC-SHA256(key, item)', () => {
    const expected = createHmac('sha256', key).update(GHP).digest('hex').slice(0, 8);
    expect(fingerprint(key, GHP)).toBe(expected);
    expect(fingerprint(key, GHP)).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('sanitizeText', () => {
  it('replaces a secret with a token fingerprinted from the secret text', () => {
    const { text, findings } = sanitizer.sanitizeText(`token ${GHP} end`);
    expect(text).toBe(`token ${redactionToken('github_token', fingerprint(key, GHP))} end`);
    expect(findings).toEqual([{ kind: 'github_token', fingerprint: fingerprint(key, GHP), start: 6, end: 6 + GHP.length }]);
  });

  it('gives the same secret the same token across calls and positions', () => {
    const a = sanitizer.sanitizeText(`first ${GHP}`);
    const b = sanitizer.sanitizeText(`${GHP} second, and again ${GHP}`);
    const token = redactionToken('github_token', fingerprint(key, GHP));
    expect(a.text).toBe(`first ${token}`);
    expect(b.text).toBe(`${token} second, and again ${token}`);
  });

  it('gives the same secret a different fingerprint under a different key', () => {
    const other = createSanitizer({ key: Buffer.from('another-key') });
    const mine = sanitizer.sanitizeText(GHP).findings[0]?.fingerprint;
    const theirs = other.sanitizeText(GHP).findings[0]?.fingerprint;
    expect(mine).toBeDefined();
    expect(theirs).toBeDefined();
    expect(mine).not.toBe(theirs);
  });

  it('reports positions in the original text, in order, for several findings', () => {
    const text = 'mail bob@example.org, ip 10.0.0.7, card 4111 1111 1111 1111.';
    const { findings } = sanitizer.sanitizeText(text);
    expect(findings.map((f) => [f.kind, text.slice(f.start, f.end)])).toEqual([
      ['email', 'bob@example.org'],
      ['ip_address', '10.0.0.7'],
      ['payment_card', '4111 1111 1111 1111'],
    ]);
  });

  it('returns the same string when nothing is found', () => {
    const text = 'Please refactor the ingest module; keep the API stable.';
    const result = sanitizer.sanitizeText(text);
    expect(result.text).toBe(text);
    expect(result.findings).toEqual([]);
  });

  it('is idempotent on its own output', () => {
    const text = `password=hunter2 ${GHP} bob@example.org +1 415 555 0132 DATABASE_URL=postgres://app:S3cr3t!@db/x`;
    const once = sanitizer.sanitizeText(text).text;
    const twice = sanitizer.sanitizeText(once);
    expect(twice.text).toBe(once);
    expect(twice.findings).toEqual([]);
  });

  it('never matches inside an existing token, even with numbers and hex', () => {
    const text = '[REDACTED:phone:12345678] [REDACTED:ip_address:10203040] password: [REDACTED:password:0badc0de]';
    expect(sanitizer.sanitizeText(text)).toEqual({ text, findings: [] });
  });

  it('merges overlapping matches into one token and never nests tokens', () => {
    const text = `export API_TOKEN="${GHP}"`;
    const { text: out, findings } = sanitizer.sanitizeText(text);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.kind).toBe('github_token');
    expect(out.match(/\[REDACTED:/g)).toHaveLength(1);
  });

  it('redacts a found secret wherever else it appears in the same text', () => {
    const text = 'the password is Hunter2-staging-pw, see postgres://ledger:Hunter2-staging-pw@db.internal/ledger';
    const { text: out, findings } = sanitizer.sanitizeText(text);
    expect(out).not.toContain('Hunter2');
    expect(findings.map((f) => [f.kind, f.start])).toEqual([
      ['password', 16],
      ['password', 58],
    ]);
    expect(findings[0]?.fingerprint).toBe(findings[1]?.fingerprint);
  });

  it('redacts a bare AWS secret key only next to an access key id', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ4LMPLEKEY';
    const sha = '3f9a1c0b2d4e5f60718293a4b5c6d7e8f9012345';
    const withId = sanitizer.sanitizeText(`id AKIAZ7Q4R2LMNOP3STUV secret ${secret} commit ${sha}`);
    expect(withId.findings.map((f) => f.kind)).toEqual(['aws_access_key_id', 'aws_secret_access_key']);
    expect(withId.text).toContain(sha);
    expect(sanitizer.sanitizeText(`secret ${secret}`).findings).toEqual([]);
  });

  it('redacts only the password of a connection URL', () => {
    const { text } = sanitizer.sanitizeText('postgres://app:S3cr3t!@db.internal:5432/flowtrail?sslmode=require');
    expect(text).toMatch(/^postgres:\/\/app:\[REDACTED:password:[0-9a-f]{8}\]@db\.internal:5432\/flowtrail\?sslmode=require$/);
  });

  it('throws rather than returning raw text when given something that is not a string', () => {
    expect(() => sanitizer.sanitizeText(42 as unknown as string)).toThrow(TypeError);
  });

  it('lists every kind it can emit, including custom ones', () => {
    const custom = createSanitizer({ key, customPatterns: [{ kind: 'employee_id', pattern: 'EMP-\\d{6}' }] });
    for (const kind of ['github_token', 'gitlab_token', 'private_key', 'password', 'secret', 'email', 'iban', 'employee_id']) {
      expect(custom.kinds).toContain(kind);
    }
    expect(sanitizer.kinds).not.toContain('employee_id');
    for (const kind of custom.kinds) expect(kind).toMatch(/^[a-z0-9_]+$/);
  });
});

describe('custom patterns and allowlist', () => {
  it('redacts matches of a custom pattern under its kind', () => {
    const s = createSanitizer({ key, customPatterns: [{ kind: 'employee_id', pattern: 'emp-\\d{6}', flags: 'i' }] });
    const { text, findings } = s.sanitizeText('assigned to EMP-004217 yesterday');
    expect(text).toMatch(/^assigned to \[REDACTED:employee_id:[0-9a-f]{8}\] yesterday$/);
    expect(findings[0]).toMatchObject({ kind: 'employee_id', start: 12, end: 22 });
  });

  it('leaves a finding alone when its text fully matches an allowlist entry', () => {
    const s = createSanitizer({ key, allowlist: ['[a-z.]+@example\\.com', '10\\.0\\.0\\.\\d+'] });
    const text = 'ping ops@example.com from 10.0.0.7, not bob@example.org';
    const { text: out, findings } = s.sanitizeText(text);
    expect(findings.map((f) => f.kind)).toEqual(['email']);
    expect(out).toMatch(/^ping ops@example\.com from 10\.0\.0\.7, not \[REDACTED:email:[0-9a-f]{8}\]$/);
  });

  it('needs a full match: an allowlist entry matching part of a finding does not exempt it', () => {
    const s = createSanitizer({ key, allowlist: ['ghp_'] });
    expect(s.sanitizeText(GHP).findings).toHaveLength(1);
  });

  it.each([
    [{ customPatterns: [{ kind: 'Employee-ID', pattern: 'x' }] }, /customPatterns\[0\]: kind "Employee-ID"/],
    [{ customPatterns: [{ kind: 'ok', pattern: '(unclosed' }] }, /customPatterns\[0\] \(ok\): \/\(unclosed\/ is not a valid regular expression/],
    [{ customPatterns: [{ kind: 'ok', pattern: 'a*' }] }, /customPatterns\[0\] \(ok\): pattern \/a\*\/ matches the empty string/],
    [{ customPatterns: [{ kind: 'ok', pattern: 'x(\\w+\\s?)*y' }] }, /customPatterns\[0\] \(ok\): .* can backtrack catastrophically/],
    [{ customPatterns: [{ kind: 'ok', pattern: 'x', flags: 'g' }] }, /flags "g" are not supported/],
    [{ customPatterns: [{ kind: 'ok', pattern: '' }] }, /pattern must be a non-empty string/],
    [{ allowlist: ['[z-a]'] }, /allowlist\[0\]: \/\[z-a\]\/ is not a valid regular expression/],
    [{ allowlist: [''] }, /allowlist\[0\]: entry must be a non-empty/],
    [{ allowlist: ['(a+)+'] }, /allowlist\[0\].*backtrack catastrophically/],
  ])('rejects an invalid option %j with a SanitizerConfigError naming it', (options, message) => {
    expect(() => createSanitizer({ key, ...options })).toThrow(SanitizerConfigError);
    expect(() => createSanitizer({ key, ...options })).toThrow(message);
  });

  it('rejects an empty key', () => {
    expect(() => createSanitizer({ key: Buffer.alloc(0) })).toThrow(SanitizerConfigError);
  });

  it('keeps the error class name for logs', () => {
    const err = new SanitizerConfigError('x');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SanitizerConfigError');
  });
});

describe('redaction tokens', () => {
  it('match the documented shape for every finding', () => {
    const text = `a ${GHP} b bob@example.org c 123-45-6789 password=hunter2`;
    const { text: out } = sanitizer.sanitizeText(text);
    const tokens = out.match(/\[REDACTED:[^\]]*\]/g) ?? [];
    expect(tokens).toHaveLength(4);
    for (const t of tokens) expect(t).toMatch(TOKEN);
  });
});
