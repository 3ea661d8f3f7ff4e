import { share, type ReportFigures } from './figures.js';
import { waited } from './summarize-alerts.js';

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

/** The holds in force at the end, in one clause: "2 legal holds in force at the end of the period (project 1, session 1) keep ...". */
export function holdsClause(f: ReportFigures): string {
  const h = f.holds;
  if (h.inForce === 0) return 'no legal hold was in force at the end of the period';
  return `${h.inForce} legal hold(s) in force at the end of the period (${scopeList(h.inForceByScope)}) keep what they cover from retention and erasure`;
}

/** "project 1, session 2": counts per hold scope, in a fixed order. */
export function scopeList(counts: Record<string, number>): string {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([scope, n]) => `${scope} ${n}`).join(', ');
}

/**
 * No alert raised in the period is left unacknowledged longer than the
 * deadline (ACK_DEADLINE_HOURS): at the end of the period, every alert is
 * acknowledged, resolved, or younger than the deadline.
 */
export const alertsHandledRule: Rule = (f) => {
  const a = f.alerts;
  const h = a.ackDeadlineHours;
  if (a.overdue > 0) {
    return fail(`${a.overdue} of ${a.raised} alerts raised in the period were still open, neither acknowledged nor resolved, more than ${h} hours after they were raised (states at ${a.asOf}): ${a.byType.filter((t) => t.overdue > 0).map((t) => `${t.type} ${t.overdue}`).join(', ')}`);
  }
  if (a.raised === 0) return ok('no alert was raised in the period');
  return ok(`no alert raised in the period was left unacknowledged for more than ${h} hours: of ${a.raised}, ${a.acknowledged} acknowledged and ${a.resolved} resolved by ${a.asOf}, ${a.open} open and younger than ${h} hours; median time to acknowledge ${waited(a.medianToAcknowledgeMs)}`);
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
  if (days < MIN_RETENTION_DAYS) return fail(`records are kept ${days} days, less than ${MIN_RETENTION_DAYS}; ${holdsClause(f)}`);
  const held = f.retention.sessionsHeld > 0 ? ` and left ${f.retention.sessionsHeld} because a legal hold covered them` : '';
  return ok(`records are kept ${days} days; ${f.retention.runs} retention run(s) in the period purged ${f.retention.sessionsPurged} sessions past that age${held}; ${holdsClause(f)}`);
};

/** Logging (the logging rule), and the logs kept: the holds in force are named in the reason. */
export const loggingKeptRule: Rule = (f) => {
  const r = loggingRule(f);
  return { ...r, reason: `${r.reason}; ${holdsClause(f)}` };
};

/** Record-keeping of an AI system over its lifetime: complete, attributable and sealed records. */
export const recordKeepingRule: Rule = (f) => {
  for (const rule of [loggingRule, contentRule, generationRule]) {
    const r = rule(f);
    if (r.status === 'not-satisfied') return r;
  }
  return ok('every session of the period is recorded automatically, attributed to its initiator and project, complete and sealed by a signed checkpoint');
};
