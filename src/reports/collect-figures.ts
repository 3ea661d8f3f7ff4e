import { ALERT_TYPES, eventNames } from '../events.js';
import { alertStepsIn, checkpointsSignedIn, commitFigures, eventCountsIn, eventDataOf, holdEventsUpTo, startedSessionFigures, type PackWindow, type Sql } from '../store/index.js';
import type { ReportFigures } from './figures.js';
import { summarizeAlerts } from './summarize-alerts.js';
import { summarizeHolds } from './summarize-holds.js';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * The figures of a period below one checkpoint. The integrity section is
 * filled in by buildPack once it has checked the checkpoint and the samples.
 * Alert states and holds are read as the log records them at `asOf`: the end
 * of the period, or the checkpoint's time when that is earlier (a period not
 * over yet).
 */
export async function collectFigures(sql: Sql, w: PackWindow, retentionDays: number, asOf: Date): Promise<Omit<ReportFigures, 'integrity'> & { checkpointsSigned: number }> {
  const [counts, started, commits, data, checkpointsSigned, alertSteps, holdEvents] = await Promise.all([
    eventCountsIn(sql, w),
    startedSessionFigures(sql, w),
    commitFigures(sql, w),
    eventDataOf(sql, w, ['retention_purged', 'personal_data_erased', 'audit_export_performed', 'evidence_pack_generated']),
    checkpointsSignedIn(sql, w),
    alertStepsIn(sql, w, ALERT_TYPES, asOf),
    holdEventsUpTo(sql, w, asOf),
  ]);
  const n = (type: string) => counts.byType[type] ?? 0;
  const of = (type: string) => data.filter((d) => d.type === type).map((d) => d.data ?? {});
  const byFormat: Record<string, number> = {};
  for (const d of of('audit_export_performed')) {
    const format = typeof d.format === 'string' ? d.format : 'unknown';
    byFormat[format] = (byFormat[format] ?? 0) + 1;
  }
  const total = Object.values(counts.byType).reduce((a, b) => a + b, 0);
  return {
    events: { total, byType: counts.byType, bySource: counts.bySource, eventTypesSeen: Object.keys(counts.byType).length, eventTypesInCatalog: eventNames.length },
    sessions: {
      started: started.started,
      withVerifiedAuthorization: started.verified,
      withReportedAuthorization: started.reported,
      withoutAuthorizationEvidence: started.withoutEvidence,
      withInitiatorAndProject: started.withInitiatorAndProject,
      withAgentAndFlowType: started.withAgentAndFlowType,
      withLifecycleViolations: commits.sessionsWithViolations,
    },
    authorization: { unverifiedEvents: n('duo_flow_authorization_unverified') },
    commits: {
      traced: commits.traced, untraced: commits.untraced, unknownReferences: commits.unknownReferences,
      pushesChecked: n('duo_flow_push_checked'), pushesRejected: n('duo_flow_push_rejected'),
    },
    lifecycleViolations: n('duo_flow_lifecycle_violation'),
    alerts: summarizeAlerts(alertSteps, ALERT_TYPES, asOf),
    holds: summarizeHolds(holdEvents, w.from),
    retention: {
      configuredDays: retentionDays,
      runs: n('retention_purged'),
      sessionsPurged: of('retention_purged').reduce((a, d) => a + num(d.sessions), 0),
      eventsPurged: of('retention_purged').reduce((a, d) => a + num(d.events), 0),
      sessionsHeld: of('retention_purged').reduce((a, d) => a + num(d.held), 0),
    },
    erasures: {
      runs: n('personal_data_erased'),
      events: of('personal_data_erased').reduce((a, d) => a + num(d.events), 0),
      eventsHeld: of('personal_data_erased').reduce((a, d) => a + num(d.skipped_held), 0),
    },
    exports: { total: n('audit_export_performed'), byFormat, evidencePacks: n('evidence_pack_generated') },
    checkpointsSigned,
  };
}
