import { describeUnstorable, findUnstorable, graphqlRequestSchema } from '../http/index.js';
import type { GraphqlParams } from './run-graphql-request.js';

export type ParamsResult = { ok: true; params: GraphqlParams } | { ok: false; message: string };

/** Checks the decoded parameters; a request with parameters of the wrong type is not a GraphQL request (400). */
export function readGraphqlParams(raw: unknown): ParamsResult {
  const r = graphqlRequestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, message: `${issue.path.join('.') || 'request'}: ${issue.message}` };
  }
  // A NUL or a lone surrogate (in a variable, say) can match nothing stored, and PostgreSQL refuses the NUL: refused before anything runs.
  const unstorable = findUnstorable(r.data);
  if (unstorable !== null) return { ok: false, message: describeUnstorable(unstorable, 'request') };
  const { query, operationName, variables } = r.data;
  return {
    ok: true,
    params: {
      query,
      operationName: operationName === null || operationName === undefined || operationName === '' ? undefined : operationName,
      variables: variables ?? undefined,
    },
  };
}

/** GET parameters from the query string, with variables and extensions decoded from JSON. */
export function decodeGetParams(query: Record<string, string>): ParamsResult {
  const raw: Record<string, unknown> = { query: query.query, operationName: query.operationName };
  for (const key of ['variables', 'extensions'] as const) {
    const v = query[key];
    if (v === undefined || v === '') continue;
    try {
      raw[key] = JSON.parse(v) as unknown;
    } catch {
      return { ok: false, message: `${key}: not JSON` };
    }
  }
  return readGraphqlParams(raw);
}
