import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] };

describe('GraphQL over HTTP at /api/graphql', () => {
  const t = useTestApp();
  const send = async (init: { method?: string; body?: string; token?: string; headers?: Record<string, string>; search?: string }) => {
    const res = await t.app.request(`/api/graphql${init.search ?? ''}`, {
      method: init.method ?? 'POST',
      headers: { ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }), ...init.headers },
      body: init.body,
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), allow: res.headers.get('allow'), body: (text === '' ? {} : JSON.parse(text)) as Gql };
  };
  const post = (body: unknown, token: string, headers: Record<string, string> = {}) =>
    send({ body: typeof body === 'string' ? body : JSON.stringify(body), token, headers: { 'content-type': 'application/json', ...headers } });

  it('runs queries over GET with variables as a JSON string, and refuses mutations there with 405', async () => {
    const auditor = await t.token('auditor');
    const search = `?${new URLSearchParams({ query: 'query($n: Int) { duoFlowSessions(first: $n) { nodes { sessionId } } }', variables: JSON.stringify({ n: 5 }) })}`;
    const r = await send({ method: 'GET', search, token: auditor });
    expect(r).toMatchObject({ status: 200, body: { data: { duoFlowSessions: { nodes: [] } } } });
    const mutation = await send({ method: 'GET', search: `?${new URLSearchParams({ query: 'mutation { x }' })}`, token: auditor });
    expect([mutation.status, mutation.allow]).toEqual([405, 'POST']);
    expect(mutation.body.errors![0]!.message).toMatch(/mutation cannot be sent with GET/);
    expect((await send({ method: 'GET', search: '?query={__typename}&variables=%7Bnope', token: auditor })).status).toBe(400);
  });

  it('answers 405 with Allow for other methods', async () => {
    const auditor = await t.token('auditor');
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const r = await send({ method, token: auditor, body: '{}', headers: { 'content-type': 'application/json' } });
      expect([r.status, r.allow]).toEqual([405, 'GET, POST']);
      expect(r.body.errors![0]!.extensions!.code).toBe('method_not_allowed');
    }
  });

  it('answers 400 for requests that are not GraphQL, under either media type', async () => {
    const auditor = await t.token('auditor');
    for (const accept of ['application/graphql-response+json', 'application/json']) {
      for (const body of ['NONSENSE', '{"query":', '[]', '{"qeury": "{__typename}"}', '{"query": 7}', '{"query": "{__typename}", "variables": [7]}', '{"query": "{__typename}", "operationName": 3}', '{"query": "{__typename}", "extensions": "x"}']) {
        const r = await post(body, auditor, { accept });
        expect([body, r.status, r.type]).toEqual([body, 400, `${accept}; charset=utf-8`]);
        expect(r.body.errors![0]!.extensions!.code).toBe('invalid');
        expect(r.body).not.toHaveProperty('data');
      }
    }
    expect((await post('{"query": "{__typename}", "variables": null, "operationName": null, "extensions": null}', auditor)).status).toBe(200);
  });

  it('answers a document that does not parse or validate with 400, or 200 under application/json', async () => {
    const auditor = await t.token('auditor');
    for (const [query, code] of [['{', 'GRAPHQL_PARSE_FAILED'], ['{ nope }', 'GRAPHQL_VALIDATION_FAILED'], ['query A { __typename } query B { __typename }', 'GRAPHQL_VALIDATION_FAILED']] as const) {
      const modern = await post({ query }, auditor);
      expect([query, modern.status, modern.body.errors![0]!.extensions!.code]).toEqual([query, 400, code]);
      expect(modern.body).not.toHaveProperty('data');
      const legacy = await post({ query }, auditor, { accept: 'application/json' });
      expect([query, legacy.status]).toEqual([query, 200]);
    }
    const named = await post({ query: 'query A { __typename } query B { __typename }', operationName: 'B' }, auditor);
    expect(named.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('negotiates the response type from Accept (default graphql-response+json, */* json, none acceptable 406)', async () => {
    const auditor = await t.token('auditor');
    const q = { query: '{ __typename }' };
    expect((await post(q, auditor)).type).toBe('application/graphql-response+json; charset=utf-8');
    expect((await post(q, auditor, { accept: '*/*' })).type).toBe('application/json; charset=utf-8');
    expect((await post(q, auditor, { accept: 'application/json;q=0.5, application/graphql-response+json' })).type).toBe('application/graphql-response+json; charset=utf-8');
    expect((await post(q, auditor, { accept: 'text/html' })).status).toBe(406);
    const wrongType = await send({ body: JSON.stringify(q), token: auditor, headers: { 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    expect((await send({ body: JSON.stringify(q), token: auditor })).status).toBe(415);
  });

  it('allows introspection, within graphql-js limits on introspection depth', async () => {
    const auditor = await t.token('auditor');
    const { getIntrospectionQuery } = await import('graphql');
    const r = await post({ query: getIntrospectionQuery() }, auditor);
    expect(r.status).toBe(200);
    const types = (r.body.data!.__schema.types as { name: string }[]).map((x) => x.name);
    expect(types).toEqual(expect.arrayContaining(['DuoFlowSession', 'DuoFlowEventType', 'ProjectID', 'UserID', 'Time']));
    const enumType = await post({ query: '{ __type(name: "DuoFlowEventType") { enumValues { name } } }' }, auditor);
    expect(enumType.body.data!.__type.enumValues.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(['duo_flow_started', 'duo_flow_push_rejected', 'api_token_created']));
    const cyclic = await post({ query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }' }, auditor);
    expect(cyclic.status).toBe(400);
  });
});

describe('GraphQL roles', () => {
  const t = useTestApp();
  const seed = () =>
    t.ingest([
      startedEvent('d1', at(1), { user: { id: 1187, username: 'dwhitfield' } }),
      startedEvent('m1', at(2), { user: { id: 2231, username: 'mchen' } }),
      flowEvent('duo_flow_decision_logged', 'm1', at(3), { step: 1, decision: 'secret plan of mchen' }),
    ]);
  const gql = async (query: string, token?: string) => {
    const res = await t.app.request('/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as Gql, auth: res.headers.get('www-authenticate') };
  };
  const LIST = '{ duoFlowSessions { nodes { sessionId user { username } } } }';

  it('refuses a request without a valid token with 401, and an ingest token with 403, as GraphQL errors', async () => {
    const none = await gql(LIST);
    expect([none.status, none.auth, none.body.errors![0]!.extensions!.code]).toEqual([401, 'Bearer', 'unauthorized']);
    expect((await gql(LIST, 'ftk_not-a-real-token')).status).toBe(401);
    const ingest = await gql(LIST, await t.token('ingest'));
    expect([ingest.status, ingest.body.errors![0]!.extensions!.code]).toEqual([403, 'forbidden']);
    expect(ingest.body).not.toHaveProperty('data');
  });

  it('shows auditors and admins every session, a user only the sessions it initiated', async () => {
    await seed();
    const ids = async (token: string, q = LIST) => (await gql(q, token)).body.data!.duoFlowSessions.nodes.map((n: { sessionId: string }) => n.sessionId);
    expect(await ids(await t.token('auditor'))).toEqual(['m1', 'd1']);
    expect(await ids(await t.token('admin'))).toEqual(['m1', 'd1']);
    const dana = await t.token('user', 'dwhitfield');
    expect(await ids(dana)).toEqual(['d1']);
    expect(await ids(dana, '{ duoFlowSessions(userId: 2231) { nodes { sessionId } } }')).toEqual([]);
  });

  it("answers a user asking for another user's session exactly as for a missing one", async () => {
    await seed();
    const dana = await t.token('user', 'dwhitfield');
    const q = (id: string) => `{ duoFlowSession(sessionId: "${id}") { sessionId decisions { decision } timeline { type } } }`;
    const other = await gql(q('m1'), dana);
    const missing = await gql(q('zz9'), dana);
    expect(other).toEqual({ ...missing, body: { data: { duoFlowSession: null } } });
    expect(JSON.stringify(other.body)).not.toContain('secret plan');
    expect((await gql(q('d1'), dana)).body.data!.duoFlowSession.sessionId).toBe('d1');
    expect((await gql(q('m1'), await t.token('auditor'))).body.data!.duoFlowSession.decisions).toEqual([{ decision: 'secret plan of mchen' }]);
  });
});
