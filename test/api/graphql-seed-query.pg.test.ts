import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

type Gql = { data?: Record<string, any> | null; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };

// The seed's query as its README writes it: `decisionsLog` without a selection of subfields.
const SEED_QUERY = `query {
  duoFlowSessions(projectId: "gid://gitlab/Project/4821") {
    nodes {
      sessionId
      user { username }
      flowType
      status
      startedAt
      completedAt
      authorizationVerifiedAt
      authorizationMethod
      resourcesCreated { resourceType resourceId webUrl }
      planSummary
      decisionsLog
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('the seed GraphQL query, as written', () => {
  const t = useTestApp();
  const seed = async () => {
    expect((await t.ingest([
      startedEvent('9137', at(0)),
      flowEvent('duo_flow_plan_generated', '9137', at(1), { plan_steps: ['read', 'write'], plan_summary: 'Round half-even in the ledger' }),
      flowEvent('duo_flow_decision_logged', '9137', at(2), { step: 1, decision: 'Use BigDecimal', rationale: 'exact', alternatives: ['double', 'long cents'] }),
      flowEvent('duo_flow_decision_logged', '9137', at(3), { step: 2, decision: 'Round half-even', rationale: 'what accountants expect' }),
      flowEvent('duo_flow_resource_created', '9137', at(4), { resource_type: 'MergeRequest', resource_id: 57, action: 'created', web_url: 'https://gitlab.example.test/acme-platform/payments-api/-/merge_requests/57' }),
      flowEvent('duo_flow_completed', '9137', at(5)),
      startedEvent('9138', at(10)),
      startedEvent('9139', at(11), { project: { id: 99, path: 'acme/ledger' } }),
    ])).status).toBe(202);
  };
  const gql = async (query: string) => {
    const res = await t.app.request('/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('auditor')}` },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as Gql };
  };

  it('answers decisionsLog as a JSON list of {step, decision, rationale, alternatives, occurredAt}', async () => {
    await seed();
    const r = await gql(SEED_QUERY);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const c = r.body.data!.duoFlowSessions;
    expect(c.nodes.map((n: { sessionId: string }) => n.sessionId)).toEqual(['9138', '9137']);
    expect(c.nodes[1]).toEqual({
      sessionId: '9137', user: { username: 'dwhitfield' }, flowType: 'software_development', status: 'completed',
      startedAt: at(0), completedAt: at(5), authorizationVerifiedAt: '2026-03-10T14:00:00.000Z', authorizationMethod: 'composite_identity',
      resourcesCreated: [{ resourceType: 'MergeRequest', resourceId: '57', webUrl: 'https://gitlab.example.test/acme-platform/payments-api/-/merge_requests/57' }],
      planSummary: 'Round half-even in the ledger',
      decisionsLog: [
        { step: '1', decision: 'Use BigDecimal', rationale: 'exact', alternatives: ['double', 'long cents'], occurredAt: at(2) },
        { step: '2', decision: 'Round half-even', rationale: 'what accountants expect', alternatives: null, occurredAt: at(3) },
      ],
    });
    expect(c.nodes[0].decisionsLog).toEqual([]);
    expect(c.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
  });

  it('serves the same decisions with fields through the typed twin decisions { ... }', async () => {
    await seed();
    const r = await gql('{ duoFlowSession(sessionId: "9137") { decisionsLog decisions { step decision rationale alternatives occurredAt } } }');
    expect(r.body.errors).toBeUndefined();
    const s = r.body.data!.duoFlowSession;
    expect(s.decisions).toEqual(s.decisionsLog);
    expect(s.decisions).toHaveLength(2);
  });

  it('refuses a selection on decisionsLog (it is JSON) with a clear validation error', async () => {
    await seed();
    const r = await gql('{ duoFlowSession(sessionId: "9137") { decisionsLog { step } } }');
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.message).toMatch(/decisionsLog.*must not have a selection since type "JSON" has no subfields/);
  });

  it('never shows a tampered decision in decisionsLog: the field is null with a tampered error', async () => {
    await seed();
    await t.deps.sql.begin(async (tx) => {
      await tx`set local flowtrail.purge = 'on'`;
      await tx`update audit_events set texts = jsonb_set(texts, '{decision}', '"Ship without tests"') where type = 'duo_flow_decision_logged' and session_id = '9137' and texts->>'decision' = 'Use BigDecimal'`;
    });
    const r = await gql(SEED_QUERY);
    expect(JSON.stringify(r.body)).not.toContain('Ship without tests');
    expect(r.body.data!.duoFlowSessions.nodes[1].decisionsLog).toBeNull();
    expect(r.body.errors).toEqual([expect.objectContaining({ path: ['duoFlowSessions', 'nodes', 1, 'decisionsLog'], extensions: expect.objectContaining({ code: 'tampered' }) })]);
  });
});
