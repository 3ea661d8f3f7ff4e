import type { AlertFigures } from './summarize-alerts.js';
import type { HoldFigures } from './summarize-holds.js';

/**
 * What flowtrail recorded in a period, below one signed checkpoint: the
 * figures every control of every framework reads. A capability adds its own
 * section here and in collectFigures, and the controls that need it read it
 * (frameworks.ts).
 */
export interface ReportFigures {
  events: { total: number; byType: Record<string, number>; bySource: Record<string, number>; eventTypesSeen: number; eventTypesInCatalog: number };
  sessions: {
    started: number;
    withVerifiedAuthorization: number;
    withReportedAuthorization: number;
    withoutAuthorizationEvidence: number;
    withInitiatorAndProject: number;
    withAgentAndFlowType: number;
    withLifecycleViolations: number;
  };
  authorization: { unverifiedEvents: number };
  commits: { traced: number; untraced: number; unknownReferences: number; pushesChecked: number; pushesRejected: number };
  lifecycleViolations: number;
  /** The alerts raised in the period and what the log records done about them by its end (summarizeAlerts). */
  alerts: AlertFigures;
  /** Legal holds from the log (summarizeHolds). */
  holds: HoldFigures;
  retention: { configuredDays: number; runs: number; sessionsPurged: number; eventsPurged: number; sessionsHeld: number };
  erasures: { runs: number; events: number; eventsHeld: number };
  exports: { total: number; byFormat: Record<string, number>; evidencePacks: number };
  integrity: {
    checkpointsSigned: number;
    /** The pack's checkpoint verified against the service's verifier key. */
    checkpointValid: boolean;
    samplesProved: number;
    samplesProofsValid: boolean;
  };
}

/** A ratio as an auditor reads it: "3 of 4 (75.0%)", or "none" for an empty population. */
export function share(part: number, whole: number): string {
  if (whole === 0) return 'none in the period';
  return `${part} of ${whole} (${((100 * part) / whole).toFixed(1)}%)`;
}
