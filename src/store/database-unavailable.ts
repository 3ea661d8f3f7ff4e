// What the driver throws when the database cannot be reached or is going away:
// its own connection errors, the socket's system errors, and the SQLSTATEs of
// a server that refuses or ends connections.
const DRIVER_CODES = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
]);
const ADMIN_SHUTDOWN = '57P01';
const CRASH_SHUTDOWN = '57P02';
const CANNOT_CONNECT_NOW = '57P03';
const TOO_MANY_CONNECTIONS = '53300';
const SQLSTATES = new Set([ADMIN_SHUTDOWN, CRASH_SHUTDOWN, CANNOT_CONNECT_NOW, TOO_MANY_CONNECTIONS]);

/**
 * Whether `err` says the database is unreachable or restarting (not that a
 * query was wrong): the request can be tried again later, so the intake
 * answers 503 with Retry-After instead of 500. SQLSTATE class 08 is
 * "connection exception".
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return DRIVER_CODES.has(code) || SQLSTATES.has(code) || (code.length === 5 && code.startsWith('08'));
}
