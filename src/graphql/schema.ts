import { GraphQLID, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { commitShaSchema, decodeSessionCursor, encodeSessionCursor, mergeRequestRefSchema, parseResourceArg } from '../http/index.js';
import { can } from '../auth/index.js';
import { SESSION_ID_PATTERN } from '../events.js';
import { getSession, listSessions, type SessionFilters } from '../store/index.js';
import { createConnectionType, toConnection } from './connection-type.js';
import type { GraphqlContext } from './graphql-context.js';
import { checkFirst } from './measure-operation.js';
import { parseGlobalId } from './parse-global-id.js';
import { ProjectIdScalar, TimeScalar, UserIdScalar } from './scalars.js';
import { createSessionNode, createSessionNodes, type SessionNode } from './session-nodes.js';
import { SessionStatusEnum, SessionType } from './session-type.js';
import { duoFlowUsageField } from './usage-type.js';

/** GitLab's global id model of a Duo Agent Platform session (workflow). */
export const WORKFLOW_MODEL = 'Ai::DuoWorkflows::Workflow';

interface SessionsArgs {
  projectId?: string | null;
  userId?: string | null;
  startDate?: Date | null;
  endDate?: Date | null;
  flowType?: string | null;
  status?: string | null;
  commitSha?: string | null;
  mergeRequest?: string | null;
  first: number;
  after?: string | null;
}

/** A session id as given: flowtrail's id, GitLab's workflow number, or its global id. Null for anything else. */
function parseSessionId(v: unknown): string | null {
  const id = parseGlobalId(v, WORKFLOW_MODEL) ?? (typeof v === 'string' ? v : null);
  return id !== null && SESSION_ID_PATTERN.test(id) ? id : null;
}

/** Whether this principal may see the session: a `user` only those it initiated. */
const visible = (ctx: GraphqlContext, username: string | null): boolean =>
  can(ctx.principal.role, 'read_all') || (username !== null && username === ctx.principal.username);

const SessionConnection = createConnectionType('DuoFlowSession', new GraphQLNonNull(SessionType));

const QueryType = new GraphQLObjectType<unknown, GraphqlContext>({
  name: 'Query',
  fields: {
    duoFlowSessions: {
      type: SessionConnection,
      description: 'Sessions, newest first (by start), filtered; keyset paged. A `user` token sees only the sessions it initiated.',
      args: {
        projectId: { type: ProjectIdScalar, description: 'gid://gitlab/Project/123 or 123.' },
        userId: { type: UserIdScalar, description: 'The initiator: gid://gitlab/User/5 or 5.' },
        startDate: { type: TimeScalar, description: 'Sessions started at or after this time.' },
        endDate: { type: TimeScalar, description: 'Sessions started before this time.' },
        flowType: { type: GraphQLString },
        status: { type: SessionStatusEnum },
        commitSha: { type: GraphQLString, description: 'Sessions linked to this commit (trailer, merge or squash commit): the full SHA or a prefix of at least 7 hexadecimal characters.' },
        mergeRequest: { type: GraphQLString, description: 'Sessions linked to this merge request: GROUP/PROJECT!IID, e.g. my-group/my-project!42.' },
        first: { type: GraphQLInt, defaultValue: 20, description: '1 to 100.' },
        after: { type: GraphQLString, description: 'pageInfo.endCursor of the previous page.' },
      },
      resolve: async (_root, args: SessionsArgs, ctx) => {
        const first = checkFirst(args.first);
        const after = args.after == null ? undefined : decodeSessionCursor(args.after);
        const filters: SessionFilters = {
          projectId: args.projectId ?? undefined,
          userId: args.userId ?? undefined,
          from: args.startDate ?? undefined,
          to: args.endDate ?? undefined,
          flowType: args.flowType ?? undefined,
          status: args.status ?? undefined,
          commitSha: args.commitSha == null ? undefined : parseResourceArg(commitShaSchema, 'commitSha', args.commitSha),
          mergeRequest: args.mergeRequest == null ? undefined : parseResourceArg(mergeRequestRefSchema, 'mergeRequest', args.mergeRequest),
        };
        if (!can(ctx.principal.role, 'read_all')) filters.username = ctx.principal.username ?? '\u0000';
        const rows = await listSessions(ctx.sql, filters, first + 1, after);
        return toConnection(rows, first, encodeSessionCursor, (page) => createSessionNodes(ctx.sql, page));
      },
    },
    duoFlowSession: {
      type: SessionType,
      description: 'One session with its timeline and audit events; null when it does not exist or is not yours to see.',
      args: { sessionId: { type: new GraphQLNonNull(GraphQLID), description: `The session id, GitLab's workflow number, or gid://gitlab/${WORKFLOW_MODEL}/<n>.` } },
      resolve: async (_root, args: { sessionId: string }, ctx): Promise<SessionNode | null> => {
        const id = parseSessionId(args.sessionId);
        if (id === null) return null;
        const row = await getSession(ctx.sql, id);
        // Another user's session answers exactly like a missing one.
        if (row === null || !visible(ctx, row.username)) return null;
        return createSessionNode(ctx.sql, row);
      },
    },
    duoFlowUsage: duoFlowUsageField,
  },
});

/** The read-only schema (no mutations). */
export const schema = new GraphQLSchema({ query: QueryType });
