import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { limitBody, requirePermission } from '../http/index.js';
import { isAppError } from '../errors.js';
import { chooseMediaType, JSON_MEDIA, type ResponseMedia } from './choose-media-type.js';
import { decodeGetParams, readGraphqlParams, type ParamsResult } from './read-graphql-params.js';
import { runGraphqlRequest } from './run-graphql-request.js';
import { schema } from './schema.js';

export const MAX_GRAPHQL_BODY_BYTES = 256 * 1024;
const ALLOW = 'GET, POST';

type ErrorBody = { errors: { message: string; extensions?: Record<string, unknown> }[] };

function answer(media: ResponseMedia, status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': `${media}; charset=utf-8`, 'cache-control': 'no-store', ...headers } });
}

const error = (message: string, code: string): ErrorBody => ({ errors: [{ message, extensions: { code } }] });

/**
 * POST and GET /api/graphql, as the GraphQL-over-HTTP specification has it:
 * JSON bodies, GET for queries only, the response in
 * application/graphql-response+json or application/json as the Accept header
 * asks. A request that is not GraphQL (bad JSON, parameters of the wrong type)
 * gets 400; a GraphQL request error (parse, validation, variables, depth or
 * cost limit) 400 under application/graphql-response+json and 200 under
 * application/json; field errors 200 with partial data. Same roles as REST.
 */
export function createGraphqlApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const authenticate = requirePermission(deps, 'read');

  app.on(['GET', 'POST'], '/', limitBody(MAX_GRAPHQL_BODY_BYTES), async (c) => {
    const media = chooseMediaType(c.req.header('accept'));
    if (media === null) {
      return answer(JSON_MEDIA, 406, error('Accept: ask for application/graphql-response+json or application/json', 'not_acceptable'));
    }
    // The same check as REST (token or whatever requirePermission accepts), its refusal written as a GraphQL response.
    let authenticated = false;
    try {
      await authenticate(c, async () => {
        authenticated = true;
      });
    } catch (err) {
      if (!isAppError(err)) throw err;
      return answer(media, err.status, error(err.message, err.code), err.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    }
    if (!authenticated) return c.res;

    let parsed: ParamsResult;
    if (c.req.method === 'GET') {
      parsed = decodeGetParams(c.req.query());
    } else {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== JSON_MEDIA) {
        return answer(media, 415, error('Content-Type must be application/json', 'unsupported'));
      }
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return answer(media, 400, error('the body is not JSON', 'invalid'));
      }
      parsed = readGraphqlParams(body);
    }
    if (!parsed.ok) return answer(media, 400, error(`not a GraphQL request: ${parsed.message}`, 'invalid'));

    const outcome = await runGraphqlRequest(schema, parsed.params, c.req.method === 'GET' ? 'GET' : 'POST', { sql: deps.sql, principal: c.get('principal'), log: deps.log });
    if (outcome.kind === 'not_allowed') return answer(media, 405, outcome.body, { allow: 'POST' });
    if (outcome.kind === 'rejected') return answer(media, media === JSON_MEDIA ? 200 : 400, outcome.body);
    return answer(media, 200, outcome.body);
  });

  app.all('/', (c) => answer(JSON_MEDIA, 405, error(`${c.req.method} is not allowed here; use POST (or GET for queries)`, 'method_not_allowed'), { allow: ALLOW }));
  return app;
}
