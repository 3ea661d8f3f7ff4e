const GLOBAL_ID = /^gid:\/\/gitlab\/([A-Za-z][A-Za-z0-9:]*)\/(\d{1,20})$/;
const NUMBER = /^\d{1,20}$/;

/**
 * Reads an id the way GitLab's GraphQL API writes it, `gid://gitlab/<Model>/<n>`,
 * or as the plain number (a JSON number or a string of digits). Answers the
 * number as a string (flowtrail stores GitLab ids as text), or null when the
 * value is neither, or a global id of another model.
 */
export function parseGlobalId(value: unknown, model: string): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null;
  if (typeof value !== 'string') return null;
  if (NUMBER.test(value)) return value;
  const m = GLOBAL_ID.exec(value);
  return m !== null && m[1] === model ? m[2]! : null;
}

/** The global id of a stored GitLab id; ids that are not numbers (from other platforms) stay as they are. */
export function toGlobalId(id: string, model: string): string {
  return NUMBER.test(id) ? `gid://gitlab/${model}/${id}` : id;
}
