import { shannonEntropy } from './entropy.js';
import { isPlaceholder } from './placeholder.js';

// Whether a word that the context calls a password or a key looks like one.
// Used by detect-context (a sentence names it) and detect-flag (a command's
// flag names it). A password is anything a person could type that is not a
// plain word, number, path, reference or filler; a key must also read as
// random (Shannon entropy, as gitleaks scores generic keys).

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const PATH_LIKE = /^(?:~|\.{1,2})?\/|^[\w.-]+\/[\w./-]*$|\.(?:json|ya?ml|txt|pem|key|env|ts|js|py|sh|conf|ini|toml|cfg)$/i;
const REFERENCE = /^(?:\$|%[A-Z_]|\{\{|<|@[A-Za-z_]+@)|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?:\(|\[|$)|\[['"]/;
const NUMBER_LIKE = /^[+-]?[\d.,:/_ -]+(?:ms|s|m|h|d|%|k|mb|gb)?$/i;
const VERSION_LIKE = /^v?\d+(?:\.\d+)+(?:[-+][\w.]+)?$/i;
const EMAIL_LIKE = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH_HEX = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/;
const KEY_CHARS = /^[A-Za-z0-9+/=_.~-]+$/;
const MASKED = /^\*+$|^•+$|^x{4,}$/i;
const WORDISH = /^[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z\u00c0-\u024f]+)*$/;
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const WORD_AND_MARK = /^[A-Za-z\u00c0-\u024f]+[!?]$/;
const HASH_WORDS = /sha-?\d*|md5|checksum|digest|commit|hash|etag|integrity|fingerprint|prüfsumme|somme de contrôle/i;

/** Not a secret whatever the context: references, paths, numbers, masks, emails, URLs. */
function isNeverSecret(value: string): boolean {
  return (
    value.length === 0 ||
    isPlaceholder(value) ||
    MASKED.test(value) ||
    REFERENCE.test(value) ||
    URL_LIKE.test(value) ||
    PATH_LIKE.test(value) ||
    NUMBER_LIKE.test(value) ||
    VERSION_LIKE.test(value) ||
    EMAIL_LIKE.test(value) ||
    UUID.test(value) ||
    /EXAMPLE(?:KEY)?$/.test(value)
  );
}

/**
 * A typed password: 6 to 128 characters, and not a plain word (it holds a
 * digit or a sign as well as letters, or is digits and signs). `quoted`
 * values need only not be filler.
 */
/** Bits: 1 a letter, 2 a digit, 4 anything else. */
function classesOf(value: string): number {
  let bits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f)) bits |= 1;
    else if (c >= 48 && c <= 57) bits |= 2;
    else bits |= 4;
  }
  return bits;
}

export function looksLikePassword(value: string, quoted: boolean): boolean {
  if (value.length < (quoted ? 4 : 6) || value.length > 128) return false;
  const bits = classesOf(value);
  if (bits !== 3 && bits !== 5 && bits !== 6 && bits !== 7) return false;
  if (isNeverSecret(value)) return false;
  if (value !== value.trim() || ENV_NAME.test(value)) return false;
  if (WORDISH.test(value) || WORD_AND_MARK.test(value) || /^--?[a-z]/.test(value)) return false;
  return true;
}

/** What a password flag glued to its value (`-pS3cret`) or quoted takes: anything not a reference, path or number. */
export function looksLikeFlagPassword(value: string): boolean {
  return value.length >= 4 && value.length <= 128 && !isNeverSecret(value) && !ENV_NAME.test(value);
}

/**
 * A key or token: 16 to 512 key characters that read as random. Plain hex
 * of a hash's length counts only when no hash word is in `near`.
 */
export function looksLikeKey(value: string, near: string, adjacent = true): boolean {
  if (value.length < 16 || value.length > 512 || (classesOf(value) & 3) !== 3) return false;
  if (!KEY_CHARS.test(value) || isNeverSecret(value)) return false;
  if (HASH_HEX.test(value) && (HASH_WORDS.test(near) || (value.length !== 32 && !adjacent))) return false;
  if (/^[a-z]+(?:[-_.][a-z]+)+$/.test(value)) return false;
  const threshold = /^[0-9a-f]+$/i.test(value) ? 3 : Math.min(3.6, Math.log2(value.length) - 0.6);
  return shannonEntropy(value) >= threshold;
}
