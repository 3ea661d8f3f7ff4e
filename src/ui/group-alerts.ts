import type { EventView } from '../audit/index.js';
import { alertText } from './alert-detail.js';

export interface AlertGroup {
  /** The newest of the repeats (what the row shows). */
  latest: EventView;
  /** How many alerts say the same about the same session. */
  n: number;
}

/** Alerts, newest first, with repeats (same type, same session, same text) folded into one row counted and dated by the newest. */
export function groupAlerts(events: readonly EventView[]): AlertGroup[] {
  const groups = new Map<string, AlertGroup>();
  for (const e of events) {
    const key = JSON.stringify([e.type, e.session_id, e.project_path, alertText(e)]);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { latest: e, n: 1 });
    else g.n += 1;
  }
  return [...groups.values()];
}
