import { z } from 'zod';
import { can } from '../auth/index.js';
import { ROLES, type Role } from '../store/index.js';
import type { Guard, Operation } from './operations.js';

type Json = Record<string, unknown>;

/** JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a request may send, from the handler's zod schema. */
export function jsonSchemaOf(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

/** The roles that hold an operation's permission, from the same table the service checks. */
export function rolesOf(guard: Guard): Role[] {
  return 'permission' in guard ? ROLES.filter((r) => can(r, guard.permission)) : [];
}

const SECURITY: Record<string, Json[]> = {
  token: [{ bearer: [] }, { privateToken: [] }],
  gitlab: [{ gitlabToken: [] }, { webhookSignature: [] }],
  'audit-stream': [{ streamingToken: [] }],
};

function securityOf(guard: Guard): Json[] {
  if ('permission' in guard) return SECURITY.token!;
  if ('webhook' in guard) return SECURITY[guard.webhook]!;
  return [];
}

function operationId(op: Operation): string {
  const words = op.path.replace(/[{}]/g, '').split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return op.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function parametersOf(op: Operation): Json[] {
  const params: Json[] = Object.entries(op.pathParams ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } }));
  if (op.query !== undefined) {
    const schema = jsonSchemaOf(op.query) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const { description, ...rest } = prop;
      params.push({ name, in: 'query', required: schema.required?.includes(name) === true && !('default' in rest), ...(description === undefined ? {} : { description }), schema: rest });
    }
  }
  return params;
}

function responsesOf(op: Operation): Json {
  const out: Json = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const types = r.types ?? [];
    const graphql = types.includes('application/graphql-response+json');
    const schema = graphql ? { $ref: '#/components/schemas/GraphqlResponse' } : Number(status) >= 400 ? { $ref: '#/components/schemas/Error' } : undefined;
    out[status] = {
      description: r.description,
      ...(types.length === 0 ? {} : { content: Object.fromEntries(types.map((t) => [t, schema === undefined ? {} : { schema }])) }),
    };
  }
  return out;
}

function describe(op: Operation): string {
  const roles = rolesOf(op.guard);
  const who = 'permission' in op.guard
    ? `Roles: ${roles.join(', ')}${roles.includes('user') ? ' (a user token sees only the sessions it initiated)' : ''}.`
    : 'webhook' in op.guard ? 'Authenticated by the GitLab webhook secret, not an API token.' : 'No token needed.';
  return [op.description, who].filter((s) => s !== undefined).join('\n\n');
}

/** The OpenAPI 3.1 document of every route: parameters and bodies from the handlers' own zod schemas, roles from the permission table. */
export function buildOpenApi(operations: readonly Operation[], options: { serverUrl?: string } = {}): Json {
  const paths: Record<string, Json> = {};
  for (const op of operations) {
    const body = op.body === undefined ? undefined : {
      required: op.body.optional !== true,
      content: Object.fromEntries(op.body.types.map((t) => [t, { schema: t === 'application/x-ndjson' ? { type: 'string', description: 'One event per line.' } : jsonSchemaOf(op.body!.schema) }])),
    };
    (paths[op.path] ??= {})[op.method] = {
      operationId: operationId(op),
      tags: [op.tag],
      summary: op.summary,
      description: describe(op),
      security: securityOf(op.guard),
      'x-flowtrail-roles': rolesOf(op.guard),
      parameters: parametersOf(op),
      ...(body === undefined ? {} : { requestBody: body }),
      responses: responsesOf(op),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'flowtrail',
      version: 'v1',
      description: 'Tamper-evident audit trail for GitLab Duo Agent Platform sessions. API tokens (`ftk_...`) go in `Authorization: Bearer` or `PRIVATE-TOKEN`.',
    },
    ...(options.serverUrl === undefined ? {} : { servers: [{ url: options.serverUrl }] }),
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token: `Authorization: Bearer ftk_...`.' },
        privateToken: { type: 'apiKey', in: 'header', name: 'PRIVATE-TOKEN', description: "An API token in GitLab's header." },
        gitlabToken: { type: 'apiKey', in: 'header', name: 'X-Gitlab-Token', description: 'FLOWTRAIL_WEBHOOK_SECRET.' },
        webhookSignature: { type: 'apiKey', in: 'header', name: 'webhook-signature', description: 'Standard Webhooks signature with FLOWTRAIL_WEBHOOK_SIGNING_KEY (with webhook-id and webhook-timestamp).' },
        streamingToken: { type: 'apiKey', in: 'header', name: 'X-Gitlab-Event-Streaming-Token', description: 'FLOWTRAIL_STREAMING_TOKEN.' },
      },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'string', description: 'invalid, unauthorized, forbidden, not_found, conflict, too_large, unsupported, upstream, unavailable or internal.' }, message: { type: 'string' } }, required: ['error', 'message'] },
        GraphqlResponse: {
          type: 'object',
          properties: {
            data: { type: ['object', 'null'] },
            errors: { type: 'array', items: { type: 'object', properties: { message: { type: 'string' }, path: { type: 'array' }, extensions: { type: 'object', properties: { code: { type: 'string' } } } }, required: ['message'] } },
          },
        },
      },
    },
  };
}
