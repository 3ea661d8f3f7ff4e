/** Each event type as a person says it; a type added later without words here reads as its name, de-underscored. */
const WORDS: Record<string, string> = {
  duo_flow_created: 'Session created',
  duo_flow_started: 'Started',
  duo_flow_plan_generated: 'Plan made',
  duo_flow_decision_logged: 'Decision',
  duo_flow_paused: 'Paused',
  duo_flow_resumed: 'Resumed',
  duo_flow_resource_created: 'Resource created',
  duo_flow_completed: 'Completed',
  duo_flow_failed: 'Failed',
  duo_flow_stopped: 'Stopped',
  duo_flow_deleted: 'Deleted in GitLab',
  duo_flow_authorization_verified: 'Authorization verified',
  duo_flow_authorization_unverified: 'Authorization not verified',
  duo_flow_resource_linked: 'Resource linked',
  duo_flow_api_request: 'API request',
  duo_flow_activity_archived: 'Activity copied from GitLab',
  duo_flow_untraced_agent_commit: 'Agent commit without a session trailer',
  duo_flow_unknown_session_reference: 'Forged trailer (names an unknown session)',
  duo_flow_push_checked: 'Push checked',
  duo_flow_push_rejected: 'Push refused',
  duo_flow_push_dry_run: 'Commits checked without a push',
  duo_flow_footer_restored: 'Session footer restored',
  duo_flow_lifecycle_violation: 'Lifecycle violation',
  duo_flow_anomaly_detected: 'Anomaly',
  gitlab_audit_event: 'GitLab audit event',
  integrity_checkpoint: 'Signed checkpoint',
  retention_purged: 'Purged by retention',
  personal_data_erased: 'Personal data erased',
  audit_export_performed: 'Export of audit data',
  api_token_created: 'API token created',
  api_token_revoked: 'API token revoked',
  jobs_retried: 'Dead jobs retried',
  user_signed_in: 'Signed in',
};

/** What each kind of duo_flow_anomaly_detected found, as a person says it (docs/alerts.md). */
const ANOMALY_WORDS: Record<string, string> = {
  session_rate: 'Far more sessions than usual',
  off_hours: 'Session at an unusual hour',
  failure_burst: 'Burst of failed sessions',
  token_spike: 'Unusually many tokens',
  never_ended: 'Session that never ended',
};

/** An anomaly's kind in words: `off_hours` → "Session at an unusual hour"; an unknown kind reads as itself, de-underscored. */
export function anomalyWords(kind: string): string {
  return Object.hasOwn(ANOMALY_WORDS, kind) ? ANOMALY_WORDS[kind]! : humanize(kind);
}

/** "duo_flow_resumed_twice" → "Resumed twice": the last resort for a name without words. */
export function humanize(name: string): string {
  const s = name.replace(/^duo_flow_/, '').replace(/_/g, ' ').trim();
  return s === '' ? name : s[0]!.toUpperCase() + s.slice(1);
}

/** An event type in words: `duo_flow_push_rejected` → "Push refused". */
export function eventWords(type: string): string {
  return Object.hasOwn(WORDS, type) ? WORDS[type]! : humanize(type);
}
