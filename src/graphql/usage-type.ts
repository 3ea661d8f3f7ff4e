import { GraphQLEnumType, GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig } from 'graphql';
import { usageReport, type UsageReport } from '../audit/index.js';
import { can } from '../auth/index.js';
import { decodeCursor, encodeCursor, usageWindow, USAGE_MAX_DAYS } from '../http/index.js';
import { SESSION_STATUSES } from '../events.js';
import { USAGE_GROUPS, type UsageFigures, type UsageGroup, type UsageRow } from '../store/index.js';
import { createConnectionType, toConnection } from './connection-type.js';
import type { GraphqlContext } from './graphql-context.js';
import { checkFirst } from './measure-operation.js';
import { TimeScalar } from './scalars.js';
import { SessionStatusEnum } from './session-type.js';

const GroupByEnum = new GraphQLEnumType({
  name: 'DuoFlowUsageGroupBy',
  description: "group: the project's group (its path without the last segment); project; user: who started the sessions; flow_type.",
  values: Object.fromEntries(USAGE_GROUPS.map((g) => [g, { value: g }])),
});

const int = (description: string) => ({ type: new GraphQLNonNull(GraphQLInt), description });
// Token sums may pass 2^31 (GraphQL's Int): a Float holds them exactly up to 2^53.
const tokens = (description: string) => ({ type: new GraphQLNonNull(GraphQLFloat), description });
const figureFields = {
  sessions: int('Sessions that started in the window.'),
  completed: int('Of those, completed.'),
  failed: int('Of those, failed.'),
  stopped: int('Of those, stopped.'),
  unfinished: int('Of those, running, paused or created.'),
  commits: int('Distinct commits the sessions created or were tied to by trailer (not merge or squash commits).'),
  mergeRequests: int('Distinct merge requests the sessions created, modified or were tied to.'),
  notes: int('Distinct notes the sessions created.'),
  mergeRequestsMerged: int("Distinct merge requests of the sessions that GitLab merged (by the merge or squash commit it tied to the session)."),
  inputTokens: tokens('Model input tokens the sessions reported when they completed or failed.'),
  outputTokens: tokens('Model output tokens the sessions reported when they completed or failed.'),
};

const FiguresType = new GraphQLObjectType<UsageFigures>({ name: 'DuoFlowUsageFigures', fields: figureFields });
const RowType = new GraphQLObjectType<UsageRow>({
  name: 'DuoFlowUsageRow',
  fields: { key: { type: GraphQLString, description: 'The group, project path, username or flow type; null for sessions without one.' }, ...figureFields },
});
const DayType = new GraphQLObjectType<{ day: Date; status: string; n: number }>({
  name: 'DuoFlowUsageDay',
  fields: {
    day: { type: new GraphQLNonNull(GraphQLString), description: 'A UTC day, YYYY-MM-DD.', resolve: (d) => d.day.toISOString().slice(0, 10) },
    status: { type: new GraphQLNonNull(SessionStatusEnum) },
    sessions: { type: new GraphQLNonNull(GraphQLInt), resolve: (d) => d.n },
  },
});
const RowConnection = createConnectionType('DuoFlowUsageRow', new GraphQLNonNull(RowType));

const isOffset = (v: unknown): v is ['usage', number] => Array.isArray(v) && v.length === 2 && v[0] === 'usage' && Number.isSafeInteger(v[1]) && (v[1] as number) >= 0;

const UsageType = new GraphQLObjectType<UsageReport, GraphqlContext>({
  name: 'DuoFlowUsage',
  fields: {
    from: { type: new GraphQLNonNull(TimeScalar) },
    to: { type: new GraphQLNonNull(TimeScalar) },
    groupBy: { type: new GraphQLNonNull(GroupByEnum) },
    totals: { type: new GraphQLNonNull(FiguresType), description: 'The sum of every row.' },
    rows: {
      type: new GraphQLNonNull(RowConnection),
      description: 'One row per group, most sessions first; `first` 1 to 100 (default 100), `after` the endCursor of the previous page.',
      args: { first: { type: GraphQLInt, defaultValue: 100 }, after: { type: GraphQLString } },
      resolve: (r, args: { first: number; after?: string | null }) => {
        const first = checkFirst(args.first);
        const start = args.after == null ? 0 : decodeCursor(args.after, isOffset)[1] + 1;
        const indexed = r.rows.slice(start, start + first + 1).map((row, i) => ({ row, i: start + i }));
        return toConnection(indexed, first, (x) => encodeCursor(['usage', x.i]), (page) => page.map((x) => x.row));
      },
    },
    perDay: {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(DayType))),
      description: 'Sessions per UTC day and status, in day order; days without sessions left out.',
      extensions: { listSize: USAGE_MAX_DAYS * SESSION_STATUSES.length },
    },
  },
});

/** Query.duoFlowUsage: the figures of GET /api/v1/usage. */
export const duoFlowUsageField: GraphQLFieldConfig<unknown, GraphqlContext, { from?: Date | null; to?: Date | null; groupBy: UsageGroup }> = {
  type: new GraphQLNonNull(UsageType),
  description: `Usage of the sessions that started in [from, to) (default: the 30 days up to now; at most ${USAGE_MAX_DAYS} days), by groupBy: the figures of GET /api/v1/usage. A \`user\` token sees only the sessions it initiated.`,
  args: {
    from: { type: TimeScalar, description: 'Sessions that started at or after this time.' },
    to: { type: TimeScalar, description: 'Sessions that started before this time. Default: now.' },
    groupBy: { type: new GraphQLNonNull(GroupByEnum), defaultValue: 'project' },
  },
  resolve: async (_root, args, ctx) => {
    const window = usageWindow(args.from ?? undefined, args.to ?? undefined);
    const username = can(ctx.principal.role, 'read_all') ? undefined : ctx.principal.username ?? '\u0000';
    return usageReport(ctx.sql, { ...window, groupBy: args.groupBy, username });
  },
};
