import { listDestinations, logSize, oldestWaiting, type DestinationRow, type Pool } from '../store/index.js';

export interface DestinationLag {
  destination: DestinationRow;
  /** Events in the log after the cursor (an upper bound where filters skip some). */
  events: number;
  /** How long the oldest of them has waited (0 when none waits). */
  seconds: number;
}

/** Each destination's lag, for /metrics and the admin page. */
export async function streamLag(sql: Pool, now = new Date()): Promise<DestinationLag[]> {
  const [rows, size] = await Promise.all([listDestinations(sql), logSize(sql)]);
  return Promise.all(rows.map(async (d) => {
    const events = Math.max(0, size - 1 - d.cursorSeq);
    const oldest = events === 0 ? null : await oldestWaiting(sql, d.cursorSeq);
    return { destination: d, events, seconds: oldest === null ? 0 : Math.max(0, (now.getTime() - oldest.getTime()) / 1000) };
  }));
}
