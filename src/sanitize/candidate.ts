// A possible finding before overlaps are resolved. `priority` breaks ties
// between candidates of equal length over the same text: lower wins, so a
// vendor-prefixed token beats the generic "high-entropy assignment" reading of
// the same value.

export interface Candidate {
  start: number;
  end: number;
  kind: string;
  priority: number;
}

export const Priority = {
  custom: 0,
  vendor: 1,
  password: 2,
  header: 3,
  pii: 4,
  generic: 5,
} as const;

/**
 * Detectors share this shape: look at `text` around the anchor hit at `at`,
 * push zero or more candidates, and return the index from which scanning
 * should continue (at least `at + 1`).
 */
export type Detector = (text: string, at: number, out: Candidate[]) => number;
