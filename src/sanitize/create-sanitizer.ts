import type { Candidate } from './candidate.js';
import { compileAllowlist, compileCustomPatterns, scanCustomRules, type CustomPattern } from './custom-rules.js';
import { BUILTIN_KINDS } from './kinds.js';
import { createKnownPeople } from './known-people.js';
import { redactText, type Finding } from './redact-text.js';
import { findRedactionTokens } from './redaction-token.js';
import { resolveSpans, type Span } from './resolve-spans.js';
import { sanitizeDeep } from './sanitize-deep.js';
import { SanitizerConfigError } from './sanitizer-config-error.js';
import { scanProse } from './scan-prose.js';
import { scanText } from './scan-text.js';

export interface SanitizerOptions {
  /** HMAC key for fingerprints (FLOWTRAIL_SANITIZER_KEY). */
  key: Buffer;
  /** Extra regexes (JS syntax); kind must match /^[a-z0-9_]+$/. */
  customPatterns?: CustomPattern[];
  /** Regex sources; a finding whose text fully matches one is left alone. */
  allowlist?: string[];
  /**
   * Display names and usernames of the people flowtrail knows (from GitLab):
   * each is redacted as `person_name` wherever it stands in free text. Called
   * on every sanitize; return the same array while nothing changed, and the
   * matcher is rebuilt only when the array changes.
   */
  knownPeople?: () => readonly string[];
}

export interface Sanitizer {
  /** Finding positions refer to the original text. */
  sanitizeText(text: string): { text: string; findings: Finding[] };
  /**
   * Strings and object keys, at any depth up to MAX_DEPTH (deeper: a
   * SanitizerInputError). A key whose sanitized form is already taken in its
   * object gets `#2`, `#3`, ... appended.
   */
  sanitizeValue<T>(value: T): { value: T; findings: Finding[] };
  /** Every kind this sanitizer can emit. */
  readonly kinds: readonly string[];
}

const NO_SPANS: Span[] = [];

/**
 * A sanitizer never fails open: any error inside it propagates to the caller,
 * which must reject the event rather than store the raw text.
 */
export function createSanitizer(options: SanitizerOptions): Sanitizer {
  if (!Buffer.isBuffer(options.key) || options.key.length === 0) {
    throw new SanitizerConfigError('key must be a non-empty Buffer (FLOWTRAIL_SANITIZER_KEY)');
  }
  const key = Buffer.from(options.key);
  const custom = compileCustomPatterns(options.customPatterns ?? []);
  const allowlist = compileAllowlist(options.allowlist ?? []);
  const people = createKnownPeople(options.knownPeople);
  const kinds = Object.freeze([...new Set([...BUILTIN_KINDS, ...custom.map((rule) => rule.kind)])]);

  // Reused between calls (sanitizing is synchronous), so a text with nothing
  // to redact allocates nothing here.
  const candidates: Candidate[] = [];
  const findSpans = (text: string): Span[] => {
    const skip = findRedactionTokens(text);
    candidates.length = 0;
    scanText(text, candidates, skip);
    scanProse(text, candidates, people);
    if (custom.length > 0) scanCustomRules(text, custom, candidates);
    if (candidates.length === 0) return NO_SPANS;
    const kept = candidates.filter(
      (c) => !overlapsAny(c, skip) && !allowlist.some((allowed) => allowed.test(text.slice(c.start, c.end))),
    );
    return resolveSpans(kept);
  };

  const sanitizeText = (text: string): { text: string; findings: Finding[] } => redactText(text, findSpans, key);
  // Object keys repeat from event to event (schema field names): each is scanned once.
  const cleanKeys = new Set<string>();

  return {
    sanitizeText,
    sanitizeValue<T>(value: T): { value: T; findings: Finding[] } {
      const findings: Finding[] = [];
      const out = sanitizeDeep(value, { key, sanitizeText, findings, cleanKeys }, null, new Set());
      return { value: out as T, findings };
    },
    kinds,
  };
}

function overlapsAny(c: Candidate, spans: readonly number[]): boolean {
  for (let i = 0; i < spans.length; i += 2) {
    if (c.start < (spans[i + 1] ?? 0) && (spans[i] ?? 0) < c.end) return true;
  }
  return false;
}
