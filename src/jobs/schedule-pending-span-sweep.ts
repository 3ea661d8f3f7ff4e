import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { Pool } from '../store/index.js';
import type { DailyTask } from './run-daily-task.js';
import { sweepPendingSpans } from './sweep-pending-spans.js';

/** The daily sweep of kept OTLP spans at 04:41 (server time), by the process holding the scheduler lease. */
export function schedulePendingSpanSweep(deps: { sql: Pool; metrics: Metrics; hours: number }, log: Logger): DailyTask {
  return {
    name: 'otlp_pending_spans',
    hour: 4,
    minute: 41,
    run: () => sweepPendingSpans(deps.sql, deps.hours)
      .then((r) => {
        deps.metrics.inc('flowtrail_otlp_spans_dropped_total', {}, r.dropped);
        if (r.dropped > 0) log.warn({ otlpSweep: r }, 'OTLP spans whose session span never came were dropped (recorded as otlp_spans_dropped)');
        else log.info({ otlpSweep: r }, 'OTLP pending-span sweep finished');
      })
      .catch((err: unknown) => log.error({ err }, 'OTLP pending-span sweep failed; nothing was dropped')),
  };
}
