import type { HoldEvent } from '../store/index.js';

export type ScopeCounts = Record<string, number>;

export interface HoldFigures {
  /** Holds placed before the end and not released by then. */
  inForce: number;
  inForceByScope: ScopeCounts;
  placed: number;
  placedByScope: ScopeCounts;
  released: number;
  releasedByScope: ScopeCounts;
  /** The holds in force at the end: id, what they cover, when placed. */
  inForceList: { id: number; scope: string; value: string; placedAt: string }[];
}

const tally = (events: readonly HoldEvent[]): ScopeCounts => {
  const out: ScopeCounts = {};
  for (const e of events) out[e.scope] = (out[e.scope] ?? 0) + 1;
  return out;
};

/** Legal holds from their log events up to the end: in force at the end, placed and released in [from, end). */
export function summarizeHolds(events: readonly HoldEvent[], from: Date): HoldFigures {
  const inPeriod = (e: HoldEvent) => e.occurredAt.getTime() >= from.getTime();
  const placed = events.filter((e) => e.type === 'legal_hold_placed');
  const releasedIds = new Set(events.filter((e) => e.type === 'legal_hold_released').map((e) => e.holdId));
  const inForce = placed.filter((e) => !releasedIds.has(e.holdId));
  const placedInPeriod = placed.filter(inPeriod);
  const releasedInPeriod = events.filter((e) => e.type === 'legal_hold_released' && inPeriod(e));
  return {
    inForce: inForce.length,
    inForceByScope: tally(inForce),
    placed: placedInPeriod.length,
    placedByScope: tally(placedInPeriod),
    released: releasedInPeriod.length,
    releasedByScope: tally(releasedInPeriod),
    inForceList: inForce.map((e) => ({ id: e.holdId, scope: e.scope, value: e.value, placedAt: e.occurredAt.toISOString() })),
  };
}
