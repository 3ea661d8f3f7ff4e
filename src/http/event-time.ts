/** The earliest moment an event may claim: the Unix epoch (no agent session is older). */
export const EARLIEST_EVENT_TIME = '1970-01-01T00:00:00Z';

/** How far ahead of the service's clock an event may be dated. */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** PostgreSQL's timestamptz takes UTC offsets up to 15:59 (real zones span -12:00 to +14:00). */
const MAX_OFFSET_MINUTES = 15 * 60 + 59;
const OFFSET = /([+-])(\d{2}):?(\d{2})$/;

/**
 * Why a timestamp cannot date an event, or null when it can: it must be a date
 * JavaScript reads, with a UTC offset PostgreSQL accepts, from 1970-01-01
 * (before which nothing flowtrail records happened, and where years such as
 * 0000 or -000001 that JavaScript reads and PostgreSQL refuses begin) to 24
 * hours after now (a wrong clock must not reorder a session or outlive the
 * retention). The text is kept as sent; this only judges it.
 */
export function eventTimeProblem(text: string, now = Date.now()): string | null {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return 'is not a date';
  const offset = OFFSET.exec(text);
  if (offset !== null && Number(offset[2]) * 60 + Number(offset[3]) > MAX_OFFSET_MINUTES) {
    return 'has a UTC offset beyond ±15:59, which PostgreSQL cannot store';
  }
  if (ms < Date.parse(EARLIEST_EVENT_TIME)) return `is before ${EARLIEST_EVENT_TIME}`;
  if (ms > now + FUTURE_TOLERANCE_MS) return 'is more than 24 hours in the future';
  return null;
}
