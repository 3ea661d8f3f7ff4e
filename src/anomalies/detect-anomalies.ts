import type { Logger } from 'pino';
import type { AnomalySettings } from '../config.js';
import type { AnomalyKind, NewEvent } from '../events.js';
import { deterministicUuid } from '../gitlab/index.js';
import type { Integrator } from '../log/index.js';
import { recentAnomalies, type Sql } from '../store/index.js';
import { before, HOUR_MS, type Anomaly, type DetectionContext } from './anomaly.js';
import { detectFailureBurst } from './detect-failure-burst.js';
import { detectNeverEnded } from './detect-never-ended.js';
import { detectOffHours } from './detect-off-hours.js';
import { detectSessionRate } from './detect-session-rate.js';
import { detectTokenSpike } from './detect-token-spike.js';

export const DETECTORS: Record<AnomalyKind, (c: DetectionContext) => Promise<Anomaly[]>> = {
  session_rate: detectSessionRate,
  off_hours: detectOffHours,
  failure_burst: detectFailureBurst,
  token_spike: detectTokenSpike,
  never_ended: detectNeverEnded,
};

export interface DetectionResult {
  /** Findings of this run (before de-duplication), by kind. */
  found: Record<AnomalyKind, number>;
  /** New alerts appended to the log (a finding already raised adds nothing). */
  raised: number;
}

/** The event of a finding; its id derives from the finding's key alone, so the same finding never enters the log twice. */
export function anomalyEvent(a: Anomaly, now: Date): NewEvent {
  return {
    eventId: deterministicUuid(`anomaly:${a.key}`),
    type: 'duo_flow_anomaly_detected',
    sessionId: a.sessionId,
    occurredAt: now.toISOString(),
    source: 'system',
    sourceType: 'anomaly detection',
    projectPath: a.projectPath,
    username: a.username,
    data: {
      kind: a.kind, subject: a.subject, observed: a.observed, baseline: a.baseline, threshold: a.threshold, unit: a.unit,
      window: { from: a.window.from.toISOString(), to: a.window.to.toISOString() }, reason: a.reason, ...(a.details === undefined ? {} : { details: a.details }),
    },
  };
}

/**
 * Runs every detector at `now` (the server's clock) and appends what they
 * found as duo_flow_anomaly_detected events. Twice the same finding (a re-run,
 * a second process) is one event: its id is derived from the finding. A
 * rolling window (session_rate, failure_burst) that still holds a burst an
 * alert was raised for within that window raises nothing more about it.
 */
export async function detectAnomalies(deps: { sql: Sql; integrator: Integrator; log?: Logger }, settings: AnomalySettings, now: Date = new Date()): Promise<DetectionResult> {
  const c: DetectionContext = { sql: deps.sql, settings, now };
  const found = {} as Record<AnomalyKind, number>;
  const all: Anomaly[] = [];
  for (const [kind, detect] of Object.entries(DETECTORS) as [AnomalyKind, (c: DetectionContext) => Promise<Anomaly[]>][]) {
    const f = await detect(c);
    found[kind] = f.length;
    all.push(...f);
  }
  const rolling: Partial<Record<AnomalyKind, number>> = { session_rate: settings.sessionRate.windowHours * HOUR_MS, failure_burst: settings.failureBurst.windowMinutes * 60_000 };
  const longest = Math.max(...Object.values(rolling));
  const recent = await recentAnomalies(deps.sql, before(now, longest));
  const raisedWithin = (a: Anomaly) => recent.some((r) => r.kind === a.kind && r.subjectType === a.subject.type && r.subjectValue === a.subject.value
    && r.occurredAt.getTime() > now.getTime() - (rolling[a.kind] ?? 0) && r.occurredAt.getTime() <= now.getTime());
  const keys = new Set<string>();
  const events: NewEvent[] = [];
  for (const a of all) {
    if (keys.has(a.key) || (rolling[a.kind] !== undefined && raisedWithin(a))) continue;
    keys.add(a.key);
    events.push(anomalyEvent(a, now));
  }
  const raised = events.length === 0 ? 0 : (await deps.integrator.append(events)).accepted;
  if (raised > 0) deps.log?.info({ found, raised }, 'anomalies raised');
  return { found, raised };
}
