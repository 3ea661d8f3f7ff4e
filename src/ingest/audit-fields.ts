// Readers of loosely typed fields in GitLab audit events: each answers null
// (or {}) for anything that is not what it reads.

export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
/** A numeric or non-empty string id, as a string. */
export const idString = (v: unknown): string | null => (typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' && v !== '' ? v : null);
export const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
