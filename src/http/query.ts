import { z } from 'zod';
import { AppError } from '../errors.js';
import { SESSION_ID_PATTERN, SESSION_STATUSES, eventNames } from '../events.js';
import type { SessionCursor } from '../store/index.js';
import { describeUnstorable, findUnstorable } from './find-unstorable.js';
import { commitShaSchema, mergeRequestRefSchema } from './resource-filters.js';

/**
 * An RFC 3339 date-time with offset, or a date (midnight UTC); REST's from/to
 * and GraphQL's startDate/endDate. In UTC it must fall in the years 0001 to
 * 9999: JavaScript reads 0000 and years past 9999 (after an offset, too), and
 * PostgreSQL refuses them.
 */
export const dateSchema = z.iso.datetime({ offset: true }).or(z.iso.date()).transform((s) => new Date(s))
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'must be a time from 0001-01-01 to 9999-12-31 in UTC');
const date = dateSchema;
const name = z.string().min(1).max(1024);

export const sessionQuerySchema = z.object({
  user: name.optional(),
  project: name.optional(),
  flow_type: name.optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  from: date.optional(),
  to: date.optional(),
  commit_sha: commitShaSchema.optional()
    .describe('Sessions linked to this commit (trailer, merge or squash commit): the full SHA or a prefix of at least 7 hexadecimal characters.'),
  merge_request: mergeRequestRefSchema.optional()
    .describe('Sessions linked to this merge request, as GitLab writes its reference: GROUP/PROJECT!IID, e.g. my-group/my-project!42.'),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const eventQuerySchema = z.object({
  session_id: z.string().regex(SESSION_ID_PATTERN).optional(),
  type: z.enum(eventNames as [string, ...string[]]).optional(),
  user: name.optional().describe('Every event of the sessions this GitLab user initiated, and the session-less events naming them.'),
  project: name.optional().describe("Every event of this project's sessions (full path or numeric id), and the session-less events carrying its path."),
  flow_type: name.optional().describe('Every event of the sessions of this flow type.'),
  from: date.optional(),
  to: date.optional(),
  cursor: z.string().max(64).optional(),
  after_seq: z.string().regex(/^\d{1,15}$/, 'must be a seq: an integer from 0').transform(Number).optional()
    .describe('With order=asc: only events with a larger seq (the next_after_seq of the previous page); without it, from the start of the log.'),
  order: z.enum(['desc', 'asc']).default('desc').describe('desc (default): newest first, paged with cursor; asc: oldest first, paged with after_seq.'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Most and default events of one page of a session's timeline (REST and the session page). */
export const TIMELINE_MAX = 1000;
export const TIMELINE_DEFAULT = 500;

/** GET /api/v1/sessions/:id: a page of the timeline, after the event with seq `timeline_after` (the previous page's `timeline_next`). */
export const timelineQuerySchema = z.object({
  timeline_limit: z.string().regex(/^\d{1,4}$/, `must be an integer from 1 to ${TIMELINE_MAX}`).transform(Number)
    .pipe(z.number().min(1, `must be an integer from 1 to ${TIMELINE_MAX}`).max(TIMELINE_MAX, `must be an integer from 1 to ${TIMELINE_MAX}`))
    .default(TIMELINE_DEFAULT).describe(`Events on this page of the timeline: 1 to ${TIMELINE_MAX}, default ${TIMELINE_DEFAULT}.`),
  timeline_after: z.string().regex(/^\d{1,15}$/, 'must be the seq of an event of this session (the timeline_next of the previous page)').transform(Number).optional()
    .describe('Start after the event with this seq: the timeline_next of the previous page.'),
});

/** Parses query parameters with a schema; unknown parameters are refused so a typo never widens a filter silently. */
export function parseQuery<T extends z.ZodObject>(schema: T, query: Record<string, string>): z.infer<T> {
  const unknown = Object.keys(query).filter((k) => !(k in schema.shape));
  if (unknown.length > 0) throw new AppError('invalid', `unknown query parameter: ${unknown.join(', ')}`);
  // No filter can match a NUL (PostgreSQL refuses it as a parameter) or a lone surrogate.
  const unstorable = findUnstorable(query);
  if (unstorable !== null) throw new AppError('invalid', describeUnstorable(unstorable, 'query'));
  const r = schema.safeParse(query);
  if (!r.success) {
    throw new AppError('invalid', r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  }
  return r.data;
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    // reported below
  }
  throw new AppError('invalid', 'cursor: not a cursor this API issued');
}

const isSessionCursor = (v: unknown): v is [number, string] =>
  Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string' && findUnstorable(v[1]) === null;

/** The keyset cursor of every session list (REST, GraphQL, the pages): sort_at in microseconds and the session id. */
export function encodeSessionCursor(r: SessionCursor): string {
  return encodeCursor([r.sortUs, r.sessionId]);
}

export function decodeSessionCursor(cursor: string): SessionCursor {
  const [sortUs, sessionId] = decodeCursor(cursor, isSessionCursor);
  return { sortUs, sessionId };
}

/** A keyset page read as limit + 1 rows: the page, and the cursor of the next one when there is more. */
export function keysetPage<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => string): { page: T[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, next: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
