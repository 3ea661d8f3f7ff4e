import { ALERT_TYPES, eventNames } from '../events.js';
import { checkpointsSignedIn, commitFigures, eventCountsIn, eventDataOf, startedSessionFigures, type PackWindow, type Sql } from '../store/index.js';
import type { ReportFigures } from './figures.js';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * The figures of a period below one checkpoint. The integrity section is
 * filled in by buildPack once it has checked the checkpoint and the samples.
 */
export async function collectFigures(sql: Sql, w: PackWindow, retentionDays: number): Promise<Omit<ReportFigures, 'integrity'> & { checkpointsSigned: number }> {
  const [counts, started, commits, data, checkpointsSigned] = await Promise.all([
    eventCountsIn(sql, w),
    startedSessionFigures(sql, w),
    commitFigures(sql, w),
    eventDataOf(sql, w, ['retention_purged', 'personal_data_erased', 'audit_export_performed', 'evidence_pack_generated']),
    checkpointsSignedIn(sql, w),
  ]);
  const n = (type: string) => counts.byType[type] ?? 0;
  const of = (type: string) => data.filter((d) => d.type === type).map((d) => d.data ?? {});
  const byFormat: Record<string, number> = {};
  for (const d of of('audit_export_performed')) {
    const format = typeof d.format === 'string' ? d.format : 'unknown';
    byFormat[format] = (byFormat[format] ?? 0) + 1;
  }
  const alertTypes = ALERT_TYPES.map((type) => ({ type, count: n(type), open: n(type) }));
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
    alerts: {
      total: alertTypes.reduce((a, t) => a + t.count, 0),
      open: alertTypes.reduce((a, t) => a + t.open, 0),
      handling: 'not_tracked',
      byType: alertTypes.filter((t) => t.count > 0),
    },
    retention: {
      configuredDays: retentionDays,
      runs: n('retention_purged'),
      sessionsPurged: of('retention_purged').reduce((a, d) => a + num(d.sessions), 0),
      eventsPurged: of('retention_purged').reduce((a, d) => a + num(d.events), 0),
    },
    erasures: { runs: n('personal_data_erased'), events: of('personal_data_erased').reduce((a, d) => a + num(d.events), 0) },
    exports: { total: n('audit_export_performed'), byFormat, evidencePacks: n('evidence_pack_generated') },
    checkpointsSigned,
  };
}
