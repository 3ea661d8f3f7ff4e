import { GraphQLBoolean, GraphQLEnumType, GraphQLError, GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString } from 'graphql';
import { resourcesOf, viewEvents, type EventView, type ResourceView } from '../audit/index.js';
import { decodeCursor, encodeCursor } from '../http/index.js';
import { AppError } from '../errors.js';
import { SESSION_STATUSES } from '../events.js';
import { listEvents } from '../store/index.js';
import { createConnectionType, toConnection } from './connection-type.js';
import { AuditEventType, EventTypeEnum } from './event-type.js';
import type { GraphqlContext } from './graphql-context.js';
import { checkFirst } from './measure-operation.js';
import { JsonScalar, ProjectIdScalar, TimeScalar, UserIdScalar } from './scalars.js';
import type { SessionNode, TimelinePage } from './session-nodes.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A stored free text as a string: null when absent or erased, a field error (never the text) when it fails its commitment. */
function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (obj(v)?.tampered === true) {
    throw new GraphQLError('this text does not match its commitment in the log (tampered); see GET /api/v1/integrity', { extensions: { code: 'tampered' } });
  }
  return null;
}

/** A stored list of texts: null when absent or erased, a field error when tampered. */
function listOf(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v;
  textOf(v);
  return null;
}

export const SessionStatusEnum = new GraphQLEnumType({
  name: 'DuoFlowSessionStatus',
  values: Object.fromEntries(SESSION_STATUSES.map((s) => [s, { value: s }])),
});

const UserType = new GraphQLObjectType<{ id: string | null; username: string | null }>({
  name: 'DuoFlowUser',
  description: 'A GitLab user (the initiator, or the agent service account).',
  fields: { id: { type: UserIdScalar }, username: { type: GraphQLString } },
});

const ProjectType = new GraphQLObjectType<{ id: string | null; fullPath: string | null }>({
  name: 'DuoFlowProject',
  fields: { id: { type: ProjectIdScalar }, fullPath: { type: GraphQLString } },
});

const ResourceType = new GraphQLObjectType<ResourceView>({
  name: 'DuoFlowResource',
  description: 'A GitLab object the session created or modified (duo_flow_resource_created) or that was tied to it (duo_flow_resource_linked).',
  fields: {
    resourceType: { type: GraphQLString, description: 'Commit, MergeRequest, Note, Issue, Branch or Pipeline.', resolve: (r) => textOf(r.resource_type) },
    resourceId: { type: GraphQLString, resolve: (r) => textOf(r.resource_id) },
    webUrl: { type: GraphQLString, resolve: (r) => textOf(r.web_url) },
    action: { type: GraphQLString, description: 'created, modified or linked.', resolve: (r) => textOf(r.action) },
    linkMethod: { type: GraphQLString, description: 'How a linked object was tied to the session (trailer, footer, ...).', resolve: (r) => textOf(r.link_method) },
    occurredAt: { type: TimeScalar, resolve: (r) => r.occurred_at },
    source: { type: GraphQLString, resolve: (r) => r.source },
  },
});

/** How a decision's fields are read, for both its typed (DuoFlowDecision) and its JSON (decisionsLog) answer. */
const decisionField = {
  step: (e: EventView) => textOf(e.data.step),
  decision: (e: EventView) => textOf(e.data.decision),
  rationale: (e: EventView) => textOf(e.data.rationale),
  alternatives: (e: EventView) => listOf(e.data.alternatives)?.map(textOf) ?? null,
};

const DecisionType = new GraphQLObjectType<EventView>({
  name: 'DuoFlowDecision',
  description: 'One duo_flow_decision_logged event: a decision of the agent or a person, with its rationale.',
  fields: {
    step: { type: GraphQLString, resolve: decisionField.step },
    decision: { type: GraphQLString, description: 'Null when erased.', resolve: decisionField.decision },
    rationale: { type: GraphQLString, resolve: decisionField.rationale },
    alternatives: { type: new GraphQLList(GraphQLString), resolve: decisionField.alternatives },
    occurredAt: { type: TimeScalar, resolve: (e) => e.occurred_at },
    source: { type: GraphQLString, resolve: (e) => e.source },
  },
});

const decisionsOf = async (n: SessionNode): Promise<EventView[]> => (await n.details()).filter((e) => e.type === 'duo_flow_decision_logged');

/** One decision as `decisionsLog` answers it: the fields of DuoFlowDecision (without source) as plain JSON. */
const decisionJson = (e: EventView) => ({
  step: decisionField.step(e),
  decision: decisionField.decision(e),
  rationale: decisionField.rationale(e),
  alternatives: decisionField.alternatives(e),
  occurredAt: TimeScalar.serialize(e.occurred_at),
});

const AuditEventConnection = createConnectionType('DuoFlowAuditEvent', new GraphQLNonNull(AuditEventType));

type TimelineArgs = { first: number; after?: string | null };
const timelineArgs = { first: { type: GraphQLInt, defaultValue: 100 }, after: { type: GraphQLString } };

/** The page of the timeline that `timeline` and `timelineNext` with these arguments share. */
async function timelinePage(n: SessionNode, args: TimelineArgs): Promise<TimelinePage> {
  const first = checkFirst(args.first);
  const after = args.after == null ? undefined : decodeCursor(args.after, isSeq);
  const page = await n.timeline(first, after);
  if (page === null) throw new AppError('invalid', 'after: not an event of this session (pass the timelineNext of the previous page)');
  return page;
}

const latestPlan = async (n: SessionNode): Promise<EventView | undefined> => (await n.details()).filter((e) => e.type === 'duo_flow_plan_generated').at(-1);
/** The authorization sent with duo_flow_started when there is one, else flowtrail's own check with GitLab. */
const authorization = (n: SessionNode, key: string): unknown => n.row.authorizationReported?.[key] ?? n.row.authorizationVerified?.[key] ?? null;

export const SessionType = new GraphQLObjectType<SessionNode, GraphqlContext>({
  name: 'DuoFlowSession',
  description: 'A Duo Agent Platform flow session as flowtrail recorded it.',
  fields: () => ({
    sessionId: { type: new GraphQLNonNull(GraphQLString), resolve: (n) => n.row.sessionId },
    user: { type: UserType, description: 'Who initiated the session.', resolve: (n) => ({ id: n.row.userId, username: n.row.username }) },
    agent: { type: UserType, description: 'The agent service account it ran as.', resolve: (n) => ({ id: n.row.agentId, username: n.row.agentUsername }) },
    project: { type: ProjectType, resolve: (n) => ({ id: n.row.projectId, fullPath: n.row.projectPath }) },
    flowType: { type: GraphQLString, resolve: (n) => n.row.flowType },
    status: { type: new GraphQLNonNull(SessionStatusEnum), resolve: (n) => n.row.status },
    deleted: { type: new GraphQLNonNull(GraphQLBoolean), description: 'Deleted in GitLab (the record stays here).', resolve: (n) => n.row.deleted },
    startedAt: { type: TimeScalar, resolve: (n) => n.row.startedAt },
    completedAt: { type: TimeScalar, description: 'When the session ended (completed, failed or stopped).', resolve: (n) => n.row.endedAt },
    durationMs: { type: GraphQLFloat, resolve: (n) => n.row.durationMs },
    authorizationVerifiedAt: { type: TimeScalar, description: 'verified_at of the authorization reported on duo_flow_started, else of flowtrail\'s check with GitLab.', resolve: (n) => authorization(n, 'verified_at') },
    authorizationMethod: { type: GraphQLString, resolve: (n) => textOf(authorization(n, 'method')) },
    authorizationReported: { type: JsonScalar, description: 'The authorization as the flow-event API reported it.', resolve: (n) => n.row.authorizationReported },
    authorizationVerified: { type: JsonScalar, description: 'flowtrail\'s own check of access levels with GitLab.', resolve: (n) => n.row.authorizationVerified },
    resourcesCreated: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ResourceType))),
      resolve: async (n) => resourcesOf(await n.details()),
    },
    planSummary: { type: GraphQLString, description: 'plan_summary of the latest plan.', resolve: async (n) => textOf((await latestPlan(n))?.data.plan_summary) },
    planSteps: { type: new GraphQLList(JsonScalar), description: 'plan_steps of the latest plan.', resolve: async (n) => listOf((await latestPlan(n))?.data.plan_steps) },
    decisionsLog: {
      type: JsonScalar,
      description: 'The decisions as a JSON list, asked without a selection: `[{step, decision, rationale, alternatives, occurredAt}]` in order of occurrence, erased texts `null`; `null` with a `tampered` error when a text fails its commitment. `decisions` is its typed twin.',
      // Priced like the list of objects it stands for (see measureOperation).
      extensions: { jsonList: true },
      resolve: async (n) => (await decisionsOf(n)).map(decisionJson),
    },
    decisions: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(DecisionType))),
      description: 'The duo_flow_decision_logged events in order of occurrence, with fields.',
      resolve: decisionsOf,
    },
    eventsCount: { type: new GraphQLNonNull(GraphQLInt), resolve: (n) => n.row.eventsCount },
    violations: { type: JsonScalar, description: 'Lifecycle violations.', resolve: (n) => n.row.violations },
    model: { type: JsonScalar, resolve: (n) => n.row.details.model ?? null },
    usage: { type: JsonScalar, resolve: (n) => n.row.details.usage ?? null },
    error: { type: JsonScalar, resolve: (n) => n.row.details.error ?? null },
    timeline: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(AuditEventType))),
      description: 'The session\'s events in the order they occurred (occurred_at, then seq), a page at a time: `first` of them (1 to 100) after the cursor `after` (the `timelineNext` of the previous page).',
      args: timelineArgs,
      resolve: async (n, args: TimelineArgs) => (await timelinePage(n, args)).events,
    },
    timelineNext: {
      type: GraphQLString,
      description: 'The cursor of the next page of `timeline` with the same `first` and `after` (pass it as `after`); null on the last page.',
      args: timelineArgs,
      resolve: async (n, args: TimelineArgs) => {
        const next = (await timelinePage(n, args)).next;
        return next === null ? null : encodeCursor(next);
      },
    },
    auditEvents: {
      type: new GraphQLNonNull(AuditEventConnection),
      description: 'The events of the session in log order (seq), paged.',
      args: { first: { type: GraphQLInt, defaultValue: 50 }, after: { type: GraphQLString }, type: { type: EventTypeEnum } },
      resolve: async (n, args: { first: number; after?: string | null; type?: string | null }, ctx) => {
        const first = checkFirst(args.first);
        const after = args.after == null ? -1 : decodeCursor(args.after, isSeq);
        const rows = await listEvents(ctx.sql, { sessionId: n.row.sessionId, type: args.type ?? undefined }, first + 1, { after });
        return toConnection(rows, first, (r) => encodeCursor(r.seq), viewEvents);
      },
    },
  }),
});
