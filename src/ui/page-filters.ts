import { z } from 'zod';
import { SESSION_STATUSES, eventNames } from '../events.js';
import type { SessionFilters } from '../store/index.js';
import { describeUnstorable, findUnstorable } from '../http/index.js';

const LAST_MOMENT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const name = z.string().trim().min(1).max(1024);
// A date field of a form is a whole day: "to" includes it. Year 0000 is a date to JavaScript, not to PostgreSQL.
const day = z.iso.date().refine((d) => d >= '0001-01-01', 'must be a date from 0001-01-01 to 9999-12-31');

export const pageFiltersSchema = z.object({
  user: name.optional(),
  project: name.optional(),
  flow_type: name.optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  type: z.enum(eventNames as [string, ...string[]]).optional(),
  from: day.optional(),
  to: day.optional(),
  cursor: z.string().max(512).optional(),
  events_cursor: z.string().max(64).optional(),
});

export type PageFilters = z.infer<typeof pageFiltersSchema>;

/** The filters of a page's GET form: empty fields mean "any"; a bad value is named in the error. */
export function parsePageFilters(query: Record<string, string>, allowed: readonly (keyof PageFilters)[]): { filters: PageFilters; error: string | null } {
  const present = Object.fromEntries(Object.entries(query).filter(([k, v]) => v.trim() !== '' && (allowed as readonly string[]).includes(k)));
  // No filter can match a NUL (PostgreSQL refuses it as a parameter) or a lone surrogate.
  const unstorable = findUnstorable(present);
  if (unstorable !== null) return { filters: {}, error: describeUnstorable(unstorable, 'query') };
  const r = pageFiltersSchema.safeParse(present);
  if (r.success) return { filters: r.data, error: null };
  return { filters: {}, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/** The store's date bounds: from the start of "from" to the end of "to" (UTC). */
export function dateBounds(f: PageFilters): { from?: Date; to?: Date } {
  return {
    from: f.from === undefined ? undefined : new Date(`${f.from}T00:00:00Z`),
    // The end of 9999-12-31 is the last moment PostgreSQL's timestamps share with JavaScript's dates in four-digit years.
    to: f.to === undefined ? undefined : new Date(Math.min(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000, LAST_MOMENT)),
  };
}

/** A page's filters as the store's session filters. */
export function storeFilters(f: PageFilters): SessionFilters {
  return { username: f.user, project: f.project, flowType: f.flow_type, status: f.status, ...dateBounds(f) };
}

/** The current filters as a query string, with some changed (paging links, export buttons). */
export function withQuery(path: string, f: Record<string, string | undefined>, change: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...f, ...change })) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}
