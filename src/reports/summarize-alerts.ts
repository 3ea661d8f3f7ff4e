import type { AlertStep } from '../store/index.js';

/**
 * How long an alert may stay open without anyone acknowledging it before the
 * monitoring controls (CC7.2, A.8.16, AU-6) count it against the period: 72
 * hours, so that an alert raised on a Friday evening is in time when it is
 * acknowledged on Monday morning. docs/reports.md gives the reasoning.
 */
export const ACK_DEADLINE_HOURS = 72;
const HOUR_MS = 3_600_000;

export interface AlertCounts {
  /** Raised in the period. */
  raised: number;
  /** Of those, acknowledged by the end (including those resolved since). */
  acknowledged: number;
  /** Of those, resolved by the end (with or without an acknowledgement first). */
  resolved: number;
  /** Of those, neither acknowledged nor resolved by the end. */
  open: number;
  /** Of the open ones, raised more than ACK_DEADLINE_HOURS before the end. */
  overdue: number;
  /** Median time from raised to acknowledged (or resolved when it was resolved at once), of those handled. */
  medianToAcknowledgeMs: number | null;
  /** Median time from raised to resolved, of those resolved. */
  medianToResolveMs: number | null;
}

export interface AlertFigures extends AlertCounts {
  /** The moment the states are read at: the end of the period, or the checkpoint's time when the period has not ended. */
  asOf: string;
  ackDeadlineHours: number;
  byType: (AlertCounts & { type: string })[];
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function count(steps: readonly AlertStep[], asOf: Date): AlertCounts {
  const after = (a: AlertStep, at: Date | null) => (at === null ? [] : [at.getTime() - a.occurredAt.getTime()]);
  const open = steps.filter((a) => a.acknowledgedAt === null && a.resolvedAt === null);
  return {
    raised: steps.length,
    acknowledged: steps.filter((a) => a.acknowledgedAt !== null).length,
    resolved: steps.filter((a) => a.resolvedAt !== null).length,
    open: open.length,
    overdue: open.filter((a) => asOf.getTime() - a.occurredAt.getTime() > ACK_DEADLINE_HOURS * HOUR_MS).length,
    medianToAcknowledgeMs: median(steps.flatMap((a) => after(a, a.acknowledgedAt ?? a.resolvedAt))),
    medianToResolveMs: median(steps.flatMap((a) => after(a, a.resolvedAt))),
  };
}

/** The period's alerts counted by state at `asOf`, in all and per type (the types seen, in the catalog's order). */
export function summarizeAlerts(steps: readonly AlertStep[], types: readonly string[], asOf: Date): AlertFigures {
  return {
    ...count(steps, asOf),
    asOf: asOf.toISOString(),
    ackDeadlineHours: ACK_DEADLINE_HOURS,
    byType: types.map((type) => ({ type, ...count(steps.filter((a) => a.type === type), asOf) })).filter((t) => t.raised > 0),
  };
}

/** "3 h 12 min", "2 d 4 h", "45 s": how long an alert waited. */
export function waited(ms: number | null): string {
  if (ms === null) return 'none handled';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
