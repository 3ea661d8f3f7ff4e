import { ALERT_TYPES } from '../events.js';
import { alertsWaiting, listNotifiers, type NotifierRow, type Pool } from '../store/index.js';

export interface ChannelLag {
  notifier: NotifierRow;
  /** Alerts after the channel's cursor, not yet announced. */
  alerts: number;
  /** How long the oldest of them has waited (0 when none waits). */
  seconds: number;
  /** Whether the channel's last try failed. */
  failing: boolean;
}

/** Each started channel's lag, for /metrics. */
export async function alertNotificationLag(sql: Pool, now = new Date()): Promise<ChannelLag[]> {
  return Promise.all((await listNotifiers(sql)).map(async (n) => {
    const waiting = await alertsWaiting(sql, ALERT_TYPES, n.cursorSeq);
    return {
      notifier: n, alerts: waiting.count, failing: n.failingSince !== null,
      seconds: waiting.oldest === null ? 0 : Math.max(0, (now.getTime() - waiting.oldest.getTime()) / 1000),
    };
  }));
}
