import {
  execute, getOperationAST, getVariableValues, GraphQLError, Kind, parse, specifiedRules, validate,
  type ExecutionResult, type FragmentDefinitionNode, type GraphQLFormattedError, type GraphQLSchema,
} from 'graphql';
import type { Logger } from 'pino';
import { isAppError } from '../errors.js';
import type { GraphqlContext } from './graphql-context.js';
import { checkNesting } from './check-nesting.js';
import { COST_CEILING, MAX_COST, MAX_DEPTH, measureOperation } from './measure-operation.js';

export interface GraphqlParams {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/**
 * What became of a request: `executed` (a response with data, maybe with
 * field errors), `rejected` (a GraphQL request error: the document did not
 * parse or validate, no operation, bad variables, over a limit; nothing ran),
 * or `not_allowed` (a mutation over GET).
 */
export type GraphqlOutcome =
  | { kind: 'executed'; body: { data?: unknown; errors?: GraphQLFormattedError[] } }
  | { kind: 'rejected'; body: { errors: GraphQLFormattedError[] } }
  | { kind: 'not_allowed'; body: { errors: GraphQLFormattedError[] } };

/** Most tokens a document may have: the full introspection query has about 1,000. */
export const MAX_TOKENS = 10_000;

const withCode = (errors: readonly GraphQLError[], code: string): GraphQLFormattedError[] =>
  errors.map((e) => ({ ...e.toJSON(), extensions: { ...e.extensions, code: e.extensions.code ?? code } }));

/** Field errors as the client sees them: our own errors with their code, anything unexpected hidden behind a generic message. */
function formatFieldErrors(errors: readonly GraphQLError[], log: Logger): GraphQLFormattedError[] {
  return errors.map((e) => {
    const original = e.originalError;
    if (original === undefined || original instanceof GraphQLError) return e.toJSON();
    if (isAppError(original)) return { ...e.toJSON(), extensions: { code: original.code } };
    // Log what failed without arguments or data: those may hold personal data.
    log.error({ err: { name: original.name, message: original.message, stack: original.stack }, path: e.path }, 'graphql field failed');
    return { message: 'the field failed; see the service log', locations: e.locations, path: e.path, extensions: { code: 'internal' } };
  });
}

/** Parses, validates, measures and executes one GraphQL-over-HTTP request (queries only over GET). */
export async function runGraphqlRequest(schema: GraphQLSchema, params: GraphqlParams, method: 'GET' | 'POST', context: GraphqlContext): Promise<GraphqlOutcome> {
  const shape = checkNesting(params.query, MAX_TOKENS);
  if (shape !== null) return { kind: 'rejected', body: { errors: withCode([shape], 'GRAPHQL_PARSE_FAILED') } };
  let document;
  try {
    document = parse(params.query, { maxTokens: MAX_TOKENS });
  } catch (err) {
    if (err instanceof GraphQLError) return { kind: 'rejected', body: { errors: withCode([err], 'GRAPHQL_PARSE_FAILED') } };
    throw err;
  }
  const op = getOperationAST(document, params.operationName);
  if (op === null || op === undefined) {
    const message = params.operationName === undefined ? 'the document must hold exactly one operation, or name one with operationName' : `no operation named ${params.operationName}`;
    return { kind: 'rejected', body: { errors: [{ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } };
  }
  if (method === 'GET' && op.operation !== 'query') {
    return { kind: 'not_allowed', body: { errors: [{ message: `a ${op.operation} cannot be sent with GET; use POST`, extensions: { code: 'method_not_allowed' } }] } };
  }
  const invalid = validate(schema, document, specifiedRules);
  if (invalid.length > 0) return { kind: 'rejected', body: { errors: withCode(invalid, 'GRAPHQL_VALIDATION_FAILED') } };
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], params.variables ?? {}, { maxErrors: 20 });
  if (coerced.errors !== undefined) return { kind: 'rejected', body: { errors: withCode(coerced.errors, 'BAD_USER_INPUT') } };
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  let measure;
  try {
    measure = measureOperation(schema, op, fragments, coerced.coerced);
  } catch (err) {
    if (err instanceof GraphQLError) return { kind: 'rejected', body: { errors: withCode([err], 'BAD_USER_INPUT') } };
    throw err;
  }
  if (measure.depth > MAX_DEPTH) {
    return { kind: 'rejected', body: { errors: [{ message: `the query is ${measure.depth} levels deep; at most ${MAX_DEPTH} are allowed`, extensions: { code: 'QUERY_TOO_DEEP', depth: measure.depth, maxDepth: MAX_DEPTH } }] } };
  }
  if (measure.cost > MAX_COST) {
    return {
      kind: 'rejected',
      body: { errors: [{ message: `the query could cost ${measure.cost >= COST_CEILING ? `more than ${COST_CEILING}` : measure.cost} (objects it may return); at most ${MAX_COST} are allowed: ask for fewer items (first) or fields`, extensions: { code: 'QUERY_TOO_COSTLY', cost: measure.cost, maxCost: MAX_COST } }] },
    };
  }
  const result = (await execute({ schema, document, operationName: params.operationName, variableValues: params.variables, contextValue: context })) as ExecutionResult;
  const body: { data?: unknown; errors?: GraphQLFormattedError[] } = { data: result.data ?? null };
  if (result.errors !== undefined) body.errors = formatFieldErrors(result.errors, context.log);
  return { kind: 'executed', body };
}
