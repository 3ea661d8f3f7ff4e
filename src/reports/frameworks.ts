import { share, type ReportFigures } from './figures.js';
import { waited } from './summarize-alerts.js';
import {
  additionalContentRule, alertsHandledRule, authorizationRule, changesTracedRule, contentRule, generationRule, integrityRule, loggingKeptRule, loggingRule,
  recordKeepingRule, retentionRule, scopeList, type Figure, type Rule,
} from './rules.js';

import { REPORT_FRAMEWORKS, type ReportFramework } from '../config.js';

export const FRAMEWORKS = REPORT_FRAMEWORKS;
export type Framework = ReportFramework;

export function isFramework(s: unknown): s is Framework {
  return typeof s === 'string' && (FRAMEWORKS as readonly string[]).includes(s);
}

export interface Control {
  /** As the framework writes it (CC6.1, A.8.15, AU-3(1), Art. 12). */
  id: string;
  /** The OSCAL control id (lower case token: cc6.1, a.8.15, au-3.1, art-12). */
  oscalId: string;
  title: string;
  /** What the control asks, in our words. */
  asks: string;
  figures: (f: ReportFigures) => Figure[];
  rule: Rule;
}

const fig = (label: string, value: string | number): Figure => ({ label, value: String(value) });

const authorizationFigures = (f: ReportFigures) => [
  fig('sessions started', f.sessions.started),
  fig('with authorization verified by flowtrail with GitLab', share(f.sessions.withVerifiedAuthorization, f.sessions.started)),
  fig('with authorization reported by the agent platform', share(f.sessions.withReportedAuthorization, f.sessions.started)),
  fig('without any authorization evidence', f.sessions.withoutAuthorizationEvidence),
  fig('authorization checks that failed (duo_flow_authorization_unverified)', f.authorization.unverifiedEvents),
];
const alertFigures = (f: ReportFigures) => {
  const a = f.alerts;
  const h = a.ackDeadlineHours;
  return [
    fig('alerts raised', a.raised),
    ...a.byType.map((t) => fig(`  ${t.type}`, `${t.raised} raised: ${t.acknowledged} acknowledged, ${t.resolved} resolved, ${t.open} open (${t.overdue} longer than ${h} hours)`)),
    fig('acknowledged by the end of the period', a.acknowledged),
    fig('resolved by the end of the period', a.resolved),
    fig('still open (neither acknowledged nor resolved)', a.open),
    fig(`open longer than ${h} hours`, a.overdue),
    fig('median time to acknowledge', waited(a.medianToAcknowledgeMs)),
    fig('median time to resolve', waited(a.medianToResolveMs)),
    fig('states as of', a.asOf),
    fig('exports of audit data', f.exports.total),
    fig('evidence packs produced', f.exports.evidencePacks),
  ];
};
/** At most this many holds in force are named one by one. */
const HOLDS_LISTED = 20;
const holdFigures = (f: ReportFigures) => {
  const h = f.holds;
  const withScopes = (n: number, counts: Record<string, number>) => (n === 0 ? '0' : `${n} (${scopeList(counts)})`);
  return [
    fig('legal holds in force at the end of the period', withScopes(h.inForce, h.inForceByScope)),
    ...h.inForceList.slice(0, HOLDS_LISTED).map((x) => fig(`  hold #${x.id}`, `${x.scope} ${x.value}, placed ${x.placedAt}`)),
    ...(h.inForceList.length > HOLDS_LISTED ? [fig('  more holds in force', h.inForceList.length - HOLDS_LISTED)] : []),
    fig('legal holds placed in the period', withScopes(h.placed, h.placedByScope)),
    fig('legal holds released in the period', withScopes(h.released, h.releasedByScope)),
    fig('sessions retention left because a hold covered them', f.retention.sessionsHeld),
    fig('events erasure left because a hold covered them', f.erasures.eventsHeld),
  ];
};
const changeFigures = (f: ReportFigures) => [
  fig('agent commits traced to a session', f.commits.traced),
  fig('agent commits without a valid session trailer', f.commits.untraced),
  fig('share of agent commits traced', share(f.commits.traced, f.commits.traced + f.commits.untraced)),
  fig('references to unknown or foreign sessions (forged or wrong trailers)', f.commits.unknownReferences),
  fig('pushes checked by the pre-receive hook', f.commits.pushesChecked),
  fig('pushes refused by the pre-receive hook', f.commits.pushesRejected),
];
const integrityFigures = (f: ReportFigures) => [
  fig('events recorded in the period', f.events.total),
  fig('checkpoints signed in the period', f.integrity.checkpointsSigned),
  fig("the pack's checkpoint verifies", f.integrity.checkpointValid ? 'yes' : 'NO'),
  fig('sampled events proved included', `${f.integrity.samplesProved}${f.integrity.samplesProofsValid ? ', all proofs check' : ', a proof FAILS'}`),
];
const contentFigures = (f: ReportFigures) => [
  fig('sessions started', f.sessions.started),
  fig('with initiator and project', share(f.sessions.withInitiatorAndProject, f.sessions.started)),
  fig('with agent account and flow type too', share(f.sessions.withAgentAndFlowType, f.sessions.started)),
  fig('events by source', Object.entries(f.events.bySource).sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none'),
];
const generationFigures = (f: ReportFigures) => [
  fig('events recorded in the period', f.events.total),
  fig('event types seen (of the catalog)', `${f.events.eventTypesSeen} of ${f.events.eventTypesInCatalog}`),
  fig('lifecycle violations', f.lifecycleViolations),
  fig('sessions with lifecycle violations', f.sessions.withLifecycleViolations),
];
const retentionFigures = (f: ReportFigures) => [
  fig('retention period (days)', f.retention.configuredDays),
  fig('retention runs', f.retention.runs),
  fig('sessions purged', f.retention.sessionsPurged),
  fig('events purged', f.retention.eventsPurged),
  fig('erasures of personal data (GDPR)', `${f.erasures.runs} run(s), ${f.erasures.events} events' texts`),
  ...holdFigures(f),
];

const control = (id: string, oscalId: string, title: string, asks: string, figures: Control['figures'], rule: Rule): Control => ({ id, oscalId, title, asks, figures, rule });

const CC61 = control('CC6.1', 'cc6.1', 'Logical access security', 'Access to systems and data is granted only to authorized identities, and that authorization can be shown. For agent sessions: each session ran under an authority that was checked or at least stated.', authorizationFigures, authorizationRule);
const CC72 = control('CC7.2', 'cc7.2', 'Monitoring for anomalies', 'The system is watched for anomalies that may signal misuse or error, and those found are evaluated and acted on.', alertFigures, alertsHandledRule);
const CC81 = control('CC8.1', 'cc8.1', 'Change management', 'Changes to systems are authorized, recorded and traceable. For AI agents: every change an agent made can be traced to the session, person and request behind it.', changeFigures, changesTracedRule);
const A815 = control('A.8.15', 'a.8.15', 'Logging', 'Logs of activities, exceptions and events are produced, kept, protected from tampering and analysed.', (f) => [...generationFigures(f), ...integrityFigures(f).slice(1), ...holdFigures(f)], loggingKeptRule);
const A816 = control('A.8.16', 'a.8.16', 'Monitoring activities', 'Systems are monitored for anomalous behaviour, and the anomalies are evaluated and handled.', alertFigures, alertsHandledRule);
const A832 = control('A.8.32', 'a.8.32', 'Change management', 'Changes are subject to change management: each change is identified, attributed and recorded.', changeFigures, changesTracedRule);
const A6228 = control('A.6.2.8', 'a.6.2.8', 'AI system recording of event logs', 'An AI system records event logs over its operation, sufficient to trace what it did, for whom and on what, and keeps them intact.', (f) => [...contentFigures(f), ...integrityFigures(f).slice(1)], recordKeepingRule);
const AU2 = control('AU-2', 'au-2', 'Event logging', 'The organization decides which events are logged and the system logs them.', generationFigures, loggingRule);
const AU3 = control('AU-3', 'au-3', 'Content of audit records', 'Each record says what happened, when, where, its source, its outcome and who was involved.', contentFigures, contentRule);
const AU31 = control('AU-3(1)', 'au-3.1', 'Additional audit information', 'Records carry the additional detail the organization defines; here: the agent account, the flow type and the authorization of each session.', (f) => [...contentFigures(f), ...authorizationFigures(f).slice(1)], additionalContentRule);
const AU6 = control('AU-6', 'au-6', 'Audit record review, analysis and reporting', 'Audit records are reviewed for signs of inappropriate activity, findings are reported and acted on.', alertFigures, alertsHandledRule);
const AU9 = control('AU-9', 'au-9', 'Protection of audit information', 'Audit information and tools are protected from unauthorized change and deletion.', integrityFigures, integrityRule);
const AU11 = control('AU-11', 'au-11', 'Audit record retention', 'Audit records are kept for a defined period, long enough for investigations and the record-keeping rules that apply, and beyond it while an investigation or litigation needs them (legal holds).', retentionFigures, retentionRule);
const AU12 = control('AU-12', 'au-12', 'Audit record generation', 'The system generates the audit records of AU-2 for every event, completely and in order.', generationFigures, generationRule);
const ART12 = control('Art. 12', 'art-12', 'Record-keeping (design reference)', 'A high-risk AI system logs events automatically over its lifetime, so that its functioning can be traced: its use periods, the data it worked on and the people involved.', (f) => [...contentFigures(f), ...generationFigures(f).slice(2), ...integrityFigures(f).slice(1)], recordKeepingRule);

export interface FrameworkInfo {
  name: string;
  /** How the framework's catalog is named in the OSCAL document. */
  catalog: string;
  controls: readonly Control[];
}

export const FRAMEWORK_INFO: Record<Framework, FrameworkInfo> = {
  soc2: { name: 'SOC 2 (AICPA Trust Services Criteria, 2017, revised points of focus 2022)', catalog: 'aicpa-tsc-2017', controls: [CC61, CC72, CC81] },
  iso27001: { name: 'ISO/IEC 27001:2022 Annex A', catalog: 'iso-iec-27001-2022', controls: [A815, A816, A832] },
  iso42001: { name: 'ISO/IEC 42001:2023 Annex A', catalog: 'iso-iec-42001-2023', controls: [A6228] },
  fedramp: { name: 'NIST SP 800-53 Rev. 5 / FedRAMP', catalog: 'nist-sp-800-53-rev5', controls: [AU2, AU3, AU31, AU6, AU9, AU11, AU12] },
  'eu-ai-act': { name: 'EU AI Act (Regulation (EU) 2024/1689), as a design reference', catalog: 'eu-ai-act-2024-1689', controls: [ART12] },
};
