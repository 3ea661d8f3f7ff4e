// Thrown by createSanitizer when its options cannot be used: a custom pattern
// that does not compile, matches the empty string or can backtrack
// catastrophically, a kind outside /^[a-z0-9_]+$/, or a bad allowlist entry.
// The message names the offending entry so the operator can fix the config.
export class SanitizerConfigError extends Error {
  override readonly name = 'SanitizerConfigError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
