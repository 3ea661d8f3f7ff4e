import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { dateSchema } from '../http/index.js';
import { parseGlobalId, toGlobalId } from './parse-global-id.js';

function parseTime(value: unknown): Date {
  const r = dateSchema.safeParse(value);
  if (!r.success) throw new GraphQLError('Time: expected an ISO 8601 date-time with offset (2026-03-10T14:00:00Z) or a date (2026-03-10)');
  return r.data;
}

/** Dates and stored RFC 3339 strings alike as `toISOString()`; a string that is no date stays as it is. */
function serializeTime(v: unknown): string {
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}

/** An ISO 8601 instant, as GitLab's `Time`; input also takes a date (midnight UTC). */
export const TimeScalar = new GraphQLScalarType({
  name: 'Time',
  description: 'An ISO 8601 date-time, for example `2026-03-10T14:00:00.000Z`. Input also takes a date (`2026-03-10`, midnight UTC).',
  serialize: serializeTime,
  parseValue: parseTime,
  parseLiteral: (ast) => parseTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** Output only: stored JSON (event data, authorization records) as it is. */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value, returned as stored (sanitized). Free texts that were erased read `{"erased": true}`, texts that fail their commitment `{"tampered": true}`.',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: (ast: ValueNode, variables) => valueFromASTUntyped(ast, variables),
});

/** GitLab's global id scalars (`ProjectID`, `UserID`): `gid://gitlab/<model>/<n>` or the plain number. */
function globalIdScalar(name: string, model: string): GraphQLScalarType {
  const parse = (v: unknown): string => {
    const id = parseGlobalId(v, model);
    if (id === null) throw new GraphQLError(`${name}: expected a GitLab global id (gid://gitlab/${model}/123) or a number`);
    return id;
  };
  return new GraphQLScalarType({
    name,
    description: `A GitLab ${model} id: the global id \`gid://gitlab/${model}/123\` or the number \`123\`. Output is the global id.`,
    serialize: (v) => toGlobalId(String(v), model),
    parseValue: parse,
    parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : ast.kind === Kind.INT ? ast.value : undefined),
  });
}

export const ProjectIdScalar = globalIdScalar('ProjectID', 'Project');
export const UserIdScalar = globalIdScalar('UserID', 'User');
