// Reading GitLab payloads, which are loosely typed and vary by version.
export type Obj = Record<string, unknown>;

/** The value as an object, or an empty one. */
export const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** A non-empty string, or a number as a string (GitLab ids come as either), else null. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
