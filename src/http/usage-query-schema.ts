import { z } from 'zod';
import { AppError } from '../errors.js';
import { USAGE_GROUPS } from '../store/index.js';
import { dateSchema } from './query.js';

/** The longest window a usage report covers. */
export const USAGE_MAX_DAYS = 366;
/** The window when none is given: the 30 days up to now. */
export const USAGE_DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/** GET /api/v1/usage (also in the OpenAPI document). */
export const usageQuerySchema = z.object({
  from: dateSchema.optional().describe(`Sessions that started at or after this time (RFC 3339, or a date: midnight UTC). Default: ${USAGE_DEFAULT_DAYS} days before \`to\`.`),
  to: dateSchema.optional().describe('Sessions that started before this time. Default: now.'),
  group_by: z.enum(USAGE_GROUPS, { error: `must be one of ${USAGE_GROUPS.join(', ')}` }).default('project')
    .describe("group (the project's namespace), project, user (the initiator) or flow_type. Default: project."),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json').describe('json (default) or csv (the rows only, one line per group).'),
});

/**
 * The report's window: both ends as given or defaulted, `from` before `to`,
 * at most USAGE_MAX_DAYS apart. Shared by REST, GraphQL and the page.
 */
export function usageWindow(from: Date | undefined, to: Date | undefined, now: Date = new Date()): { from: Date; to: Date } {
  const end = to ?? (from === undefined ? now : new Date(Math.min(now.getTime(), from.getTime() + USAGE_DEFAULT_DAYS * DAY_MS)));
  const start = from ?? new Date(end.getTime() - USAGE_DEFAULT_DAYS * DAY_MS);
  if (start.getTime() >= end.getTime()) throw new AppError('invalid', `from (${start.toISOString()}) must be before to (${end.toISOString()})`);
  if (end.getTime() - start.getTime() > USAGE_MAX_DAYS * DAY_MS) {
    throw new AppError('invalid', `from and to may be at most ${USAGE_MAX_DAYS} days apart; ask for a year at a time`);
  }
  return { from: start, to: end };
}
