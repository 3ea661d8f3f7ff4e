/** Where to go after signing in: a path on this site only (no scheme, no //host, no backslash tricks). */
export function safeReturnTo(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[^\s\\]*$/.test(v) && v.length < 2048 ? v : '/-/duo/sessions';
}
