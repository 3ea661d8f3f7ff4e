const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict standard base64 (RFC 4648 §4, padded): returns undefined for anything Buffer.from
 * would silently tolerate (whitespace, URL alphabet, missing padding, non-zero trailing bits),
 * so an encoding has exactly one accepted spelling.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
