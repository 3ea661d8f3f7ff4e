import type { Logger } from 'pino';
import type { AnomalySettings } from '../config.js';
import type { Integrator } from '../log/index.js';
import type { Sql } from '../store/index.js';
import { detectAnomalies } from './detect-anomalies.js';

/** The detectors as an interval task of the scheduled work (run by the process holding the scheduler lease); null when FLOWTRAIL_ANOMALY_INTERVAL_SECONDS is 0. */
export function scheduleAnomalies(deps: { sql: Sql; integrator: Integrator }, settings: AnomalySettings, log: Logger): { name: string; everyMs: number; run(): Promise<unknown> } | null {
  if (settings.intervalSeconds === 0) return null;
  return {
    name: 'anomalies',
    everyMs: settings.intervalSeconds * 1000,
    run: () => detectAnomalies({ ...deps, log }, settings).catch((err: unknown) => log.error({ err }, 'anomaly detection failed; it runs again at the next interval')),
  };
}
