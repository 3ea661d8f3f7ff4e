import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

type Gql = { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] };

const SEED_QUERY = `query Sessions($projectId: ProjectID, $userId: UserID, $first: Int, $after: String) {
  duoFlowSessions(projectId: $projectId, userId: $userId, first: $first, after: $after) {
    nodes {
      sessionId user { username } flowType status startedAt completedAt
      authorizationVerifiedAt authorizationMethod
      resourcesCreated { resourceType resourceId webUrl }
      planSummary decisions { step decision rationale }
    }
    edges { cursor node { sessionId } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('POST /api/graphql', () => {
  const t = useTestApp();
  const dana = { id: 1187, username: 'dwhitfield' };
  const ming = { id: 2231, username: 'mchen' };
  const seed = async () => {
    const events = [];
    for (let i = 0; i < 5; i++) {
      events.push(startedEvent(`${9100 + i}`, at(i), {
        user: i % 2 === 0 ? dana : ming,
        project: i < 3 ? { id: 4821, path: 'acme/payments' } : { id: 99, path: 'acme/ledger' },
        flow_type: i === 4 ? 'code_review' : 'software_development',
      }));
    }
    events.push(
      flowEvent('duo_flow_plan_generated', '9100', at(10), { plan_steps: ['read', 'write'], plan_summary: 'Round half-even in the ledger' }),
      flowEvent('duo_flow_decision_logged', '9100', at(11), { step: 1, decision: 'Use BigDecimal', rationale: 'exact' }),
      flowEvent('duo_flow_resource_created', '9100', at(12), { resource_type: 'MergeRequest', resource_id: 57, action: 'created', web_url: 'https://gitlab.example.test/acme/payments/-/merge_requests/57' }),
      flowEvent('duo_flow_completed', '9100', at(20)),
    );
    expect((await t.ingest(events)).status).toBe(202);
  };
  const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string, headers: Record<string, string> = {}) => {
    const res = await t.app.request('/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Gql, res };
  };

  it('answers the seed query with every seed field', async () => {
    await seed();
    const r = await gql(SEED_QUERY, { first: 10 }, await t.token('auditor'));
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/graphql-response+json; charset=utf-8');
    expect(r.body.errors).toBeUndefined();
    const nodes = r.body.data!.duoFlowSessions.nodes;
    expect(nodes.map((n: { sessionId: string }) => n.sessionId)).toEqual(['9104', '9103', '9102', '9101', '9100']);
    expect(nodes[4]).toEqual({
      sessionId: '9100', user: { username: 'dwhitfield' }, flowType: 'software_development', status: 'completed',
      startedAt: at(0), completedAt: at(20), authorizationVerifiedAt: '2026-03-10T14:00:00.000Z', authorizationMethod: 'composite_identity',
      resourcesCreated: [{ resourceType: 'MergeRequest', resourceId: '57', webUrl: 'https://gitlab.example.test/acme/payments/-/merge_requests/57' }],
      planSummary: 'Round half-even in the ledger', decisions: [{ step: '1', decision: 'Use BigDecimal', rationale: 'exact' }],
    });
    expect(nodes[0]).toMatchObject({ status: 'running', completedAt: null, resourcesCreated: [], planSummary: null, decisions: [] });
    expect(r.body.data!.duoFlowSessions.pageInfo).toEqual({ hasNextPage: false, endCursor: r.body.data!.duoFlowSessions.edges[4].cursor });
  });

  it('pages with first and after, visiting each session once', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 5; pages++) {
      const r = await gql(SEED_QUERY, { first: 2, after }, auditor);
      const c = r.body.data!.duoFlowSessions;
      seen.push(...c.nodes.map((n: { sessionId: string }) => n.sessionId));
      expect(c.edges.map((e: { node: { sessionId: string } }) => e.node.sessionId)).toEqual(c.nodes.map((n: { sessionId: string }) => n.sessionId));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(seen).toEqual(['9104', '9103', '9102', '9101', '9100']);
    const bad = await gql(SEED_QUERY, { after: 'not-a-cursor' }, auditor);
    expect(bad.status).toBe(200);
    expect(bad.body.data).toEqual({ duoFlowSessions: null });
    expect(bad.body.errors![0]).toMatchObject({ message: 'cursor: not a cursor this API issued', extensions: { code: 'invalid' } });
  });

  it('accepts GitLab global ids and plain numbers for projectId and userId', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const ids = async (vars: Record<string, unknown>) =>
      (await gql(SEED_QUERY, vars, auditor)).body.data!.duoFlowSessions.nodes.map((n: { sessionId: string }) => n.sessionId);
    expect(await ids({ projectId: 'gid://gitlab/Project/4821' })).toEqual(['9102', '9101', '9100']);
    expect(await ids({ projectId: 4821 })).toEqual(['9102', '9101', '9100']);
    expect(await ids({ projectId: '99' })).toEqual(['9104', '9103']);
    expect(await ids({ userId: 'gid://gitlab/User/2231' })).toEqual(['9103', '9101']);
    expect(await ids({ userId: 1187, projectId: 'gid://gitlab/Project/4821' })).toEqual(['9102', '9100']);
    const literal = await gql('{ duoFlowSessions(projectId: 4821, userId: "gid://gitlab/User/1187") { nodes { sessionId project { id fullPath } user { id } } } }', {}, auditor);
    expect(literal.body.data!.duoFlowSessions.nodes[0]).toEqual({ sessionId: '9102', project: { id: 'gid://gitlab/Project/4821', fullPath: 'acme/payments' }, user: { id: 'gid://gitlab/User/1187' } });
    for (const projectId of ['gid://gitlab/User/4821', 'acme/payments', -3]) {
      const r = await gql(SEED_QUERY, { projectId }, auditor);
      expect(r.status).toBe(400);
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors![0]!.message).toMatch(/ProjectID: expected a GitLab global id/);
    }
  });

  it('filters by dates, flow type and status', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const q = `query($s: Time, $e: Time, $f: String, $st: DuoFlowSessionStatus) { duoFlowSessions(startDate: $s, endDate: $e, flowType: $f, status: $st) { nodes { sessionId } } }`;
    const ids = async (vars: Record<string, unknown>) => (await gql(q, vars, auditor)).body.data!.duoFlowSessions.nodes.map((n: { sessionId: string }) => n.sessionId);
    expect(await ids({ s: at(1), e: at(3) })).toEqual(['9102', '9101']);
    expect(await ids({ s: '2026-03-11' })).toEqual([]);
    expect(await ids({ f: 'code_review' })).toEqual(['9104']);
    expect(await ids({ st: 'completed' })).toEqual(['9100']);
    const bad = await gql(q, { st: 'exploded', s: 'yesterday' }, auditor);
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });

  it('returns one session with its timeline and its audit events, paged, by id, number or global id', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const q = `query($id: ID!, $after: String) { duoFlowSession(sessionId: $id) {
      sessionId status eventsCount
      timeline { type occurredAt source }
      auditEvents(first: 3, after: $after) { nodes { seq type data } pageInfo { hasNextPage endCursor } }
    } }`;
    const r = await gql(q, { id: 'gid://gitlab/Ai::DuoWorkflows::Workflow/9100' }, auditor);
    expect(r.body.errors).toBeUndefined();
    const s = r.body.data!.duoFlowSession;
    expect(s.timeline.map((e: { type: string }) => e.type)).toEqual(['duo_flow_started', 'duo_flow_plan_generated', 'duo_flow_decision_logged', 'duo_flow_resource_created', 'duo_flow_completed']);
    expect(s.auditEvents.nodes).toHaveLength(3);
    expect(s.auditEvents.nodes[0].data.input_prompt).toBe('Implement half-even rounding for ledger totals');
    expect(s.auditEvents.pageInfo.hasNextPage).toBe(true);
    const next = (await gql(q, { id: 9100, after: s.auditEvents.pageInfo.endCursor }, auditor)).body.data!.duoFlowSession.auditEvents;
    expect(next.nodes).toHaveLength(2);
    expect(next.nodes[0].seq).toBeGreaterThan(s.auditEvents.nodes[2].seq);
    expect(next.pageInfo.hasNextPage).toBe(false);
    const typed = await gql('{ duoFlowSession(sessionId: "9100") { auditEvents(type: duo_flow_completed) { nodes { type } } } }', {}, auditor);
    expect(typed.body.data!.duoFlowSession.auditEvents.nodes).toEqual([{ type: 'duo_flow_completed' }]);
    expect((await gql(q, { id: 'nope' }, auditor)).body).toEqual({ data: { duoFlowSession: null } });
  });

  it('runs the deepest query the schema allows (7 levels; the limit of 8 is unit-tested on a deeper schema)', async () => {
    await seed();
    const r = await gql('{ duoFlowSessions(first: 2) { edges { node { auditEvents(first: 2) { edges { node { seq } } } } } } }', {}, await t.token('auditor'));
    expect(r.status).toBe(200);
    expect(r.body.data!.duoFlowSessions.edges[0].node.auditEvents.edges[0].node.seq).toEqual(expect.any(Number));
  });

  it('refuses queries over the cost or page limits before running them', async () => {
    const auditor = await t.token('auditor');
    const costly = await gql('{ duoFlowSessions(first: 100) { nodes { timeline { seq } } } }', {}, auditor);
    expect(costly.status).toBe(400);
    expect(costly.body.data).toBeUndefined();
    expect(costly.body.errors![0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COSTLY', cost: 10_101, maxCost: 5000 } });
    expect(costly.body.errors![0]!.message).toMatch(/could cost 10101 .* at most 5000/);
    const alias = (i: number) => `a${i}: duoFlowSessions(first: 100) { nodes { resourcesCreated { webUrl } decisions { step } } edges { node { user { username } } } }`;
    expect((await gql(`{ ${alias(0)} }`, {}, auditor)).status).toBe(200);
    const aliases = await gql(`{ ${[0, 1, 2].map(alias).join(' ')} }`, {}, auditor);
    expect(aliases.body.errors![0]!.extensions!.code).toBe('QUERY_TOO_COSTLY');
    const big = await gql(SEED_QUERY, { first: 101 }, auditor);
    expect(big.status).toBe(400);
    expect(big.body.errors![0]).toMatchObject({ message: 'first must be between 1 and 100', extensions: { code: 'invalid' } });
    expect((await gql('{ duoFlowSession(sessionId: "1") { auditEvents(first: 0) { nodes { seq } } } }', {}, auditor)).status).toBe(400);
    expect((await gql(SEED_QUERY, { first: 100 }, auditor)).status).toBe(200);
    // Under application/json a GraphQL request error is a 200 with errors and no data.
    const legacy = await gql(SEED_QUERY, { first: 101 }, auditor, { accept: 'application/json' });
    expect([legacy.status, legacy.type, legacy.body.data]).toEqual([200, 'application/json; charset=utf-8', undefined]);
  });
});
