import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tokenCreateSchema } from '../../src/http/index.js';
import { useTestApp } from '../support/app.js';

type Doc = { openapi: string; paths: Record<string, Record<string, { security: unknown[]; 'x-flowtrail-roles': string[]; parameters: { name: string; in: string; schema: unknown }[]; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> }>>; components: { securitySchemes: Record<string, unknown> } };

/** Hono's `/a/:id` as OpenAPI's `/a/{id}`. */
const openapiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('GET /api/v1/openapi.json', () => {
  const t = useTestApp();
  const doc = async () => (await (await t.app.request('/api/v1/openapi.json')).json()) as Doc;

  it('describes every route the app registers under /api/v1, and no route it does not have', async () => {
    const d = await doc();
    const registered = new Set(t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${openapiPath(r.path)}`));
    const apiRoutes = [...registered].filter((r) => r.split(' ')[1]!.startsWith('/api/v1'));
    expect(apiRoutes.length).toBeGreaterThan(15);
    const documented = new Set(Object.entries(d.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)));
    expect(apiRoutes.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !registered.has(r))).toEqual([]);
    for (const r of ['post /api/graphql', 'get /api/graphql', 'post /webhooks/gitlab', 'post /webhooks/gitlab/audit-events', 'get /-/health']) expect(documented).toContain(r);
  });

  it('is OpenAPI 3.1 with both token schemes, the webhook secrets and the roles of each operation', async () => {
    const d = await doc();
    expect(d.openapi).toBe('3.1.0');
    expect(Object.keys(d.components.securitySchemes)).toEqual(expect.arrayContaining(['bearer', 'privateToken', 'gitlabToken', 'streamingToken']));
    expect(d.paths['/api/v1/sessions']!.get!.security).toEqual([{ bearer: [] }, { privateToken: [] }]);
    expect(d.paths['/api/v1/sessions']!.get!['x-flowtrail-roles']).toEqual(['user', 'auditor', 'admin']);
    expect(d.paths['/api/v1/tokens']!.post!['x-flowtrail-roles']).toEqual(['admin']);
    expect(d.paths['/api/v1/flow-events']!.post!['x-flowtrail-roles']).toEqual(['ingest', 'admin']);
    expect(d.paths['/webhooks/gitlab']!.post!.security).toEqual([{ gitlabToken: [] }, { webhookSignature: [] }]);
    expect(d.paths['/api/v1/openapi.json']!.get!.security).toEqual([]);
  });

  it('takes parameters and bodies from the zod schemas the handlers validate with', async () => {
    const d = await doc();
    const params = d.paths['/api/v1/sessions']!.get!.parameters;
    expect(params.map((p) => p.name)).toEqual(['user', 'project', 'flow_type', 'status', 'from', 'to', 'commit_sha', 'merge_request', 'cursor', 'limit']);
    expect(params.find((p) => p.name === 'commit_sha')).toMatchObject({ in: 'query', required: false, description: expect.stringContaining('at least 7 hexadecimal'), schema: { type: 'string', pattern: '^[0-9a-fA-F]{7,64}$' } });
    expect(params.find((p) => p.name === 'merge_request')).toMatchObject({ in: 'query', required: false, description: expect.stringContaining('GROUP/PROJECT!IID'), schema: { type: 'string', maxLength: 1024 } });
    expect(params.find((p) => p.name === 'limit')!.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(params.find((p) => p.name === 'status')!.schema).toMatchObject({ enum: ['created', 'running', 'paused', 'completed', 'failed', 'stopped'] });
    const { $schema: _s, ...tokenBody } = z.toJSONSchema(tokenCreateSchema, { io: 'input' });
    expect(d.paths['/api/v1/tokens']!.post!.requestBody!.content['application/json']!.schema).toEqual(tokenBody);
    const events = JSON.stringify(d.paths['/api/v1/flow-events']!.post!.requestBody!.content['application/json']!.schema);
    for (const type of ['duo_flow_started', 'duo_flow_resource_created', 'duo_flow_failed']) expect(events).toContain(`"const":"${type}"`);
    expect(events).not.toContain('"const":"integrity_checkpoint"');
    expect(d.paths['/api/v1/tokens/{id}']!.delete!.parameters).toEqual([{ name: 'id', in: 'path', required: true, description: 'The token id.', schema: { type: 'string' } }]);
    expect(d.paths['/api/graphql']!.post!.requestBody!.content['application/json']!.schema).toMatchObject({ required: ['query'] });
  });
});

describe('GET /api/v1/docs', () => {
  const t = useTestApp();

  it("renders every operation with its parameters, body schema and responses, in the site's layout, with no script but the site's own and nothing from other origins", async () => {
    const res = await t.app.request('/api/v1/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const s of ['GET</span> <code>/api/v1/sessions</code>', 'DELETE</span> <code>/api/v1/tokens/{id}</code>', 'POST</span> <code>/api/graphql</code>', '<code>flow_type</code>', 'integer, 1..100, default 20', 'Request body', '&quot;role&quot;']) {
      expect(html).toContain(s);
    }
    expect([...html.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/-/assets/app.js" defer="">']);
    expect(html).not.toMatch(/https?:\/\/(?!json-schema)[^"<\s]*\.(js|css)|style=/i);
    expect(html).not.toContain('"role"');
  });
});
