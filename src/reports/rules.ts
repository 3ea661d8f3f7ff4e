import { share, type ReportFigures } from './figures.js';

export type FindingStatus = 'satisfied' | 'not-satisfied';
export interface Finding {
  status: FindingStatus;
  reason: string;
}
export interface Figure {
  label: string;
  value: string;
}

/** A rule turns the figures into a finding; docs/reports.md states each one in words. */
export type Rule = (f: ReportFigures) => Finding;

const ok = (reason: string): Finding => ({ status: 'satisfied', reason });
const fail = (reason: string): Finding => ({ status: 'not-satisfied', reason });

/** Every session started in the period has authorization evidence (verified by flowtrail with GitLab, or reported by the agent platform) and no check failed. */
export const authorizationRule: Rule = (f) => {
  const s = f.sessions;
  if (s.withoutAuthorizationEvidence > 0) return fail(`${s.withoutAuthorizationEvidence} of ${s.started} sessions started without any authorization evidence (neither verified with GitLab nor reported by the agent platform)`);
  if (f.authorization.unverifiedEvents > 0) return fail(`flowtrail could not verify the authorization of a starting session ${f.authorization.unverifiedEvents} time(s)`);
  if (s.started === 0) return ok('no agent session started in the period, so none ran without authorization');
  return ok(`every session started in the period has authorization evidence: verified with GitLab ${share(s.withVerifiedAuthorization, s.started)}, reported by the agent platform ${share(s.withReportedAuthorization, s.started)}`);
};

/** No alert of the period is left open. */
export const alertsHandledRule: Rule = (f) => {
  if (f.alerts.open > 0) {
    const how = f.alerts.handling === 'not_tracked' ? ' (alerts have no acknowledgement yet, so every alert counts as open)' : '';
    return fail(`${f.alerts.open} of ${f.alerts.total} alerts of the period are open${how}: ${f.alerts.byType.filter((a) => a.open > 0).map((a) => `${a.type} ${a.open}`).join(', ')}`);
  }
  return ok(f.alerts.total === 0 ? 'no alert was raised in the period' : `all ${f.alerts.total} alerts of the period were handled`);
};

/** Every agent commit of the period is traced to a session, and no trailer named an unknown session. */
export const changesTracedRule: Rule = (f) => {
  const c = f.commits;
  const problems = [
    c.untraced > 0 ? `${c.untraced} agent commit(s) carried no valid session trailer` : null,
    c.unknownReferences > 0 ? `${c.unknownReferences} reference(s) named a session that does not exist or belongs to another project` : null,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) return fail(problems.join('; '));
  return ok(c.traced === 0 ? 'no agent commit was recorded in the period, and none untraced' : `all ${c.traced} agent commits of the period are traced to their sessions`);
};

/** The pack's checkpoint is signed by the service's key and every sample's inclusion proof checks against it. */
export const integrityRule: Rule = (f) => {
  if (!f.integrity.checkpointValid) return fail("the pack's checkpoint does not verify against the service's verifier key");
  if (!f.integrity.samplesProofsValid) return fail("an inclusion proof of a sample event does not check against the pack's checkpoint");
  return ok(`the log is sealed by a signed checkpoint that verifies, and the ${f.integrity.samplesProved} sampled events prove their inclusion in it`);
};

/** Every session started in the period recorded its initiator and project (who, where; what and when are in every event). */
export const contentRule: Rule = (f) => {
  const s = f.sessions;
  if (s.withInitiatorAndProject < s.started) return fail(`${s.started - s.withInitiatorAndProject} of ${s.started} sessions started without a recorded initiator or project`);
  return ok(s.started === 0 ? 'no session started in the period' : `every started session records its initiator and project (${share(s.withInitiatorAndProject, s.started)}); every event records its type, time and source`);
};

/** Besides, every started session recorded its agent account, flow type and authorization evidence. */
export const additionalContentRule: Rule = (f) => {
  const base = contentRule(f);
  if (base.status === 'not-satisfied') return base;
  const s = f.sessions;
  if (s.withAgentAndFlowType < s.started) return fail(`${s.started - s.withAgentAndFlowType} of ${s.started} sessions started without a recorded agent account or flow type`);
  if (s.withoutAuthorizationEvidence > 0) return fail(`${s.withoutAuthorizationEvidence} of ${s.started} sessions started without authorization evidence`);
  return ok(s.started === 0 ? 'no session started in the period' : 'every started session records its agent account, flow type and authorization evidence besides who and where');
};

/** Sessions were recorded completely: no lifecycle violation (an event before the start, after the end, a resume without a pause). */
export const generationRule: Rule = (f) => {
  if (f.lifecycleViolations > 0) return fail(`${f.lifecycleViolations} lifecycle violation(s) in ${f.sessions.withLifecycleViolations} session(s): their records are incomplete or out of order`);
  return ok(`${f.events.total} events recorded in the period, with no lifecycle violation`);
};

/** Events were recorded and sealed: the integrity rule, and at least one event in the period. */
export const loggingRule: Rule = (f) => {
  const sealed = integrityRule(f);
  if (sealed.status === 'not-satisfied') return sealed;
  if (f.events.total === 0) return fail('the log holds no event for the period');
  return ok(`${f.events.total} events of ${f.events.eventTypesSeen} types recorded in the period; ${sealed.reason}`);
};

/** Retention keeps records for at least a year (FedRAMP's online retention expectation for audit records is commonly 12 months). */
export const MIN_RETENTION_DAYS = 365;
export const retentionRule: Rule = (f) => {
  const days = f.retention.configuredDays;
  if (days < MIN_RETENTION_DAYS) return fail(`records are kept ${days} days, less than ${MIN_RETENTION_DAYS}`);
  return ok(`records are kept ${days} days; ${f.retention.runs} retention run(s) in the period purged ${f.retention.sessionsPurged} sessions past that age`);
};

/** Record-keeping of an AI system over its lifetime: complete, attributable and sealed records. */
export const recordKeepingRule: Rule = (f) => {
  for (const rule of [loggingRule, contentRule, generationRule]) {
    const r = rule(f);
    if (r.status === 'not-satisfied') return r;
  }
  return ok('every session of the period is recorded automatically, attributed to its initiator and project, complete and sealed by a signed checkpoint');
};
