export { createSanitizer } from './create-sanitizer.js';
export type { Sanitizer, SanitizerOptions } from './create-sanitizer.js';
export type { Finding } from './redact-text.js';
export { SanitizerConfigError } from './sanitizer-config-error.js';
export { SanitizerInputError } from './sanitizer-input-error.js';
export { MAX_DEPTH } from './sanitize-deep.js';
export { redactionToken } from './redaction-token.js';
export { fingerprint } from './fingerprint.js';
export { sanitizeEvent } from './sanitize-event.js';
