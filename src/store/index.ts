export { connect, openDatabase, pingDatabase, MEMORY, type Database, type DatabaseKind, type Sql, type Pool } from './database.js';
export { isDatabaseUnavailable } from './database-unavailable.js';
export { acquireDirLock, isAlive, type DirLock } from './dir-lock.js';
export { migrate, listMigrations, pendingMigrations, MIGRATION_LOCK } from './migrate.js';
export { insertToken, findTokenByHash, listTokens, revokeToken, touchToken, ROLES, type Role, type TokenRow, liveTokensOfPurpose, type TokenPurpose } from './tokens.js';
export { saveIntake, recordEvents, claimPending, deleteIntegrated, countPending, type IntakeItem, type PendingIntake } from './intake.js';
export { readLogState, writeLogState, resolveLogOrigin, splitHashes, lockLog, LOG_LOCK, type LogState } from './log-state.js';
export { insertCheckpoint, listCheckpoints, latestCheckpoint, type CheckpointRow } from './checkpoints.js';
export { insertAuditRows, existingEventIds, sessionEventsOfTypes, eventsOutsideWindow, lastOwnEventAt, PROJECTION_DATA_TYPES, type AuditRow } from './audit-events.js';
export {
  saveSessionProjection, sessionTotals, gitlabSessionProjects, addSessionActivity, getSession, listSessions, findRunningSession, sessionsByIds, sessionProjects,
  type SessionRow, type SessionFilters, type SessionCursor, type SessionTotals,
} from './sessions.js';
export { rememberAgentAccount, isAgentAccount, agentUsername, listAgentAccounts, type AgentAccountRow } from './agent-accounts.js';
export { listEvents, sessionTimeline, sessionEventSlices, eventsOfSessions, leafBatches, logSize, type StoredEvent, type LeafRow, type EventFilters, type TypeSlice } from './audit-reads.js';
export { verifyRowBatches, verifyLineBatches, verifyRowsOf, recordedRanges, type VerifyRow } from './verify-row-batches.js';
export { enqueueJob, claimJobs, completeJob, failJob, countJobs, listJobs, deleteFinishedJobs, renewJobLeases, releaseJobs, type JobRow, type JobListing } from './jobs.js';
export { takeLease, releaseLease, readLease, claimScheduledRun, finishScheduledRun, type LeaseRow } from './leases.js';
export { saveDelivery, saveDeliveries, getDelivery, type NewDelivery } from './deliveries.js';
export { sessionsLinkedTo, sessionsWithCommitsOn } from './links.js';
export {
  claimMergeRequest, renewMergeRequestClaim, releaseMergeRequestClaim, readWriteBacks, writtenSessions, startWriteBack, confirmWriteBack, markFooterRemoved,
  type WriteBackRow, type WriteBackKind, type WriteBackState,
} from './write-backs.js';
export { retryDeadJobs, type RetriedJob } from './retry-dead-jobs.js';
export { deferJob } from './defer-job.js';
export { insertWebSession, findWebSession, deleteWebSession, deleteExpiredWebSessions, type WebSessionRow } from './web-sessions.js';
export { sessionsPerDay, alertCounts, recentAlerts, dashboardEvents, type AlertFilters, type DashboardEventFilters, type EventCursor } from './dashboard.js';
export { listFlowTypes } from './flow-types.js';
export { purgeExpired, eraseSessionTexts, retentionFloor, setRetentionFloor, type PurgeResult, type EraseResult } from './purges.js';
export { HOLD_SCOPES, holdsOnSession, listLegalHolds, placeLegalHold, releaseLegalHold, type HoldScope, type LegalHold } from './legal-holds.js';
export { listRetentionRules, RETENTION_RULE_SCOPES, setRetentionRule, type RetentionRule, type RetentionRuleChange } from './retention-rules.js';
export { flagViolations } from './lifecycle-flags.js';
export { grantServiceRole, SERVICE_PRIVILEGES, serviceRoleGuarantees, type RoleGuarantees } from './grant-service-role.js';
export { usageByGroup, usagePerDay, refreshResourceCounts, USAGE_GROUPS, type UsageGroup, type UsageFigures, type UsageRow, type UsageQuery } from './usage.js';
export {
  savePendingSpans, readPendingSpans, deletePendingSpans, deleteStalePendingSpans, countWaitingSpans, lockTraces, traceLockKey, OTLP_TRACE_LOCK_CLASS,
  type PendingSpan, type DroppedSpan,
} from './otlp-pending-spans.js';
export {
  eventCountsIn, startedSessionFigures, commitFigures, eventDataOf, checkpointsSignedIn, checkpointCovering, startedSessionIds, sampleEvents,
  alertStepsIn, holdEventsUpTo, type PackWindow, type StartedSessionFigures, type AlertStep, type HoldEvent,
} from './report-figures.js';
export {
  insertDestination, listDestinations, getDestination, updateDestination, deleteDestination, advanceCursor, recordFailure, readStreamBatch, oldestWaiting,
  DESTINATION_TYPES, DESTINATION_FORMATS, type DestinationType, type DestinationFormat, type DestinationRow, type DestinationFields,
} from './streaming-destinations.js';
export { readKnownPeople } from './known-people.js';
export { storePack, hasStoredPack, listStoredPacks, getStoredPack, type StoredPackInput, type StoredPackRow } from './evidence-packs.js';
export { ALERT_STATES, countAlertStates, listAlerts, recordAlertAction, type AlertAction, type AlertRow, type AlertState } from './alerts.js';
export {
  NOTIFY_CHANNELS, openNotifier, readNotifier, listNotifiers, nextAlert, advanceNotifier, countAttempt, recordNotified, recordNotifyFailure, alertsWaiting,
  type NotifyChannel, type NotifierRow, type WaitingAlert, type NotificationRow,
} from './alert-notifications.js';
export { listSigningKeys, currentVerifierKey, insertSigningKey, latestEventOfType, leavesOfType, type SigningKeyRow } from './signing-keys.js';
export { startCounts, recentStartsWithHours, type StartCounts, type StartSubject, type RecentStart } from './anomaly-starts.js';
export {
  endingCounts, tokenCandidates, silentSessions, sweptEndings, recentAnomalies, type EndingCounts, type TokenCandidate, type SilentSession, type SweptEnding,
} from './anomaly-endings.js';
