// Issue 9, item 10: one request for a session with very many events must not
// read them all into memory. A sender floods one session with 2,500 events;
// the REST answer, GraphQL and the session page each give one bounded page,
// the pages join to the whole timeline, and what the page says about the
// session (resources, plan, decisions, outcome) stays right.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';
import { WebClient } from '../support/web.js';

const ID = 's-flood';
const EVENTS = 2500;
const RESOURCES = 1200;
/** Two events share each second, so the order within one occurred_at (seq) is exercised too. */
const when = (i: number) => new Date(Date.UTC(2026, 2, 10, 14, 0, 0) + Math.floor(i / 2) * 1000).toISOString();

type Event = { seq: number; type: string; data: Record<string, unknown> };
type SessionAnswer = { timeline: Event[]; timeline_next: number | null; resources: unknown[]; resources_complete: boolean };
type Gql = { data?: { duoFlowSession: { timeline: Event[]; timelineNext: string | null; decisionsLog: unknown[]; planSummary: string | null } | null }; errors?: { message: string; extensions: { code: string } }[] };

describe('paging a session timeline', () => {
  const t = useTestApp();

  /** 2,500 events for one session through the flow API: a start, 1,200 resources, decisions, a late plan, and an end. */
  async function flood(): Promise<number[]> {
    const events = [startedEvent(ID, when(0))];
    for (let i = 1; i < EVENTS - 2; i += 1) {
      events.push(i <= RESOURCES
        ? flowEvent('duo_flow_resource_created', ID, when(i), { resource_type: 'Note', resource_id: i, action: 'created', web_url: `https://gitlab.test/a/b/-/notes/${i}` })
        : flowEvent('duo_flow_decision_logged', ID, when(i), { step: i, decision: `decision ${i}`, rationale: 'r' }));
    }
    events.push(flowEvent('duo_flow_plan_generated', ID, when(EVENTS - 2), { plan_steps: ['last plan'], plan_summary: 'the latest plan' }));
    events.push(flowEvent('duo_flow_completed', ID, when(EVENTS - 1), { outcome_summary: 'Opened !9' }));
    // Sent newest first, in several requests: seq order is not occurrence order.
    events.reverse();
    for (let i = 0; i < events.length; i += 1000) expect((await t.ingest(events.slice(i, i + 1000))).status).toBe(202);
    const rows = await t.deps.sql<{ seq: number }[]>`select seq from audit_events where session_id = ${ID} order by occurred_at, seq`;
    expect(rows.length).toBeGreaterThanOrEqual(EVENTS);
    return rows.map((r) => r.seq);
  }

  const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await t.app.request('/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as Gql };
  };

  it('answers GET /api/v1/sessions/:id with at most timeline_limit events, and its pages join to the whole timeline in order', async () => {
    const order = await flood();
    const token = await t.token('user', 'dwhitfield');
    const first = (await (await t.get(`/api/v1/sessions/${ID}`, token)).json()) as SessionAnswer;
    expect(first.timeline).toHaveLength(500);
    const seen: number[] = [];
    let after: number | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const res = await t.get(`/api/v1/sessions/${ID}?timeline_limit=1000${after === null ? '' : `&timeline_after=${after}`}`, token);
      expect(res.status).toBe(200);
      const body = (await res.json()) as SessionAnswer;
      expect(body.timeline.length).toBeLessThanOrEqual(1000);
      seen.push(...body.timeline.map((e) => e.seq));
      after = body.timeline_next;
      if (after === null) break;
      expect(after).toBe(body.timeline.at(-1)!.seq);
    }
    expect(after).toBeNull();
    expect(seen).toEqual(order);
  });

  it('keeps resources bounded and says so, without reading the timeline', async () => {
    await flood();
    const body = (await (await t.get(`/api/v1/sessions/${ID}?timeline_limit=1`, await t.token('auditor'))).json()) as SessionAnswer;
    expect(body.timeline).toHaveLength(1);
    expect(body.resources).toHaveLength(1000);
    expect(body.resources_complete).toBe(false);
  });

  it('refuses a bad timeline cursor or limit with 400 and a clear message', async () => {
    await flood();
    await t.ingest([startedEvent('s-other', when(0))]);
    const [other] = await t.deps.sql<{ seq: number }[]>`select seq from audit_events where session_id = 's-other'`;
    const token = await t.token('auditor');
    for (const [query, message] of [
      ['timeline_after=abc', /timeline_after: must be the seq of an event of this session/],
      ['timeline_after=-1', /timeline_after/],
      [`timeline_after=${other!.seq}`, new RegExp(`timeline_after: ${other!.seq} is not the seq of an event of session ${ID}`)],
      ['timeline_after=99999999999999999999', /timeline_after/],
      ['timeline_limit=0', /timeline_limit: must be an integer from 1 to 1000/],
      ['timeline_limit=1001', /timeline_limit: must be an integer from 1 to 1000/],
      ['timeline_limit=1e3', /timeline_limit/],
      ['timeline_cursor=1', /unknown query parameter: timeline_cursor/],
    ] as const) {
      const res = await t.get(`/api/v1/sessions/${ID}?${query}`, token);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(await res.json()), query).toMatch(message);
    }
  });

  it('still shows another user\'s session to nobody, whatever the timeline parameters', async () => {
    await flood();
    const mallory = await t.token('user', 'mallory');
    expect((await t.get(`/api/v1/sessions/${ID}?timeline_limit=1000`, mallory)).status).toBe(404);
    expect((await gql('query($id: ID!) { duoFlowSession(sessionId: $id) { timeline { seq } } }', { id: ID }, mallory)).body.data).toEqual({ duoFlowSession: null });
  });

  it('pages GraphQL duoFlowSession.timeline with first/after and timelineNext, in the same order', async () => {
    const order = await flood();
    const token = await t.token('user', 'dwhitfield');
    const q = `query($id: ID!, $after: String) { duoFlowSession(sessionId: $id) {
      timeline(first: 100, after: $after) { seq } timelineNext(first: 100, after: $after) planSummary decisionsLog } }`;
    const plain = await gql('query($id: ID!) { duoFlowSession(sessionId: $id) { timeline { seq } } }', { id: ID }, token);
    expect(plain.body.data!.duoFlowSession!.timeline).toHaveLength(100);
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 40; pages += 1) {
      const r = await gql(q, { id: ID, after }, token);
      expect(r.body.errors).toBeUndefined();
      const s = r.body.data!.duoFlowSession!;
      expect(s.timeline.length).toBeLessThanOrEqual(100);
      expect(s.planSummary).toBe('the latest plan');
      expect(s.decisionsLog).toHaveLength(1000);
      seen.push(...s.timeline.map((e) => e.seq));
      after = s.timelineNext;
      if (after === null) break;
    }
    expect(after).toBeNull();
    expect(seen).toEqual(order);
    const bad = await gql(q, { id: ID, after: 'not-a-cursor' }, token);
    expect(bad.body.errors![0]).toMatchObject({ message: 'cursor: not a cursor this API issued', extensions: { code: 'invalid' } });
    const foreign = Buffer.from(JSON.stringify(10_000_000)).toString('base64url');
    expect((await gql(q, { id: ID, after: foreign }, token)).body.errors![0]).toMatchObject({ extensions: { code: 'invalid' } });
    expect((await gql('query($id: ID!) { duoFlowSession(sessionId: $id) { timeline(first: 1001) { seq } } }', { id: ID }, token)).status).toBe(400);
  });

  it('bounds the resources and decisions of a page of sessions in GraphQL, and still gives the latest plan', async () => {
    await flood();
    const res = await t.app.request('/api/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('auditor')}` },
      body: JSON.stringify({ query: '{ duoFlowSessions(first: 5) { nodes { sessionId planSummary decisionsLog resourcesCreated { resourceId } } } }' }),
    });
    const body = (await res.json()) as { data: { duoFlowSessions: { nodes: { sessionId: string; planSummary: string; decisionsLog: unknown[]; resourcesCreated: unknown[] }[] } } };
    const [s] = body.data.duoFlowSessions.nodes;
    expect([s!.sessionId, s!.planSummary, s!.decisionsLog.length, s!.resourcesCreated.length]).toEqual([ID, 'the latest plan', 1000, 1000]);
  });

  it('shows one page of the timeline on the session page, with a next link, its integrity box, and the true outcome', async () => {
    const order = await flood();
    const web = new WebClient(t.app);
    await web.signIn(await t.token('user', 'dwhitfield'));
    const res = await web.get(`/-/duo/sessions/${ID}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.match(/<tr><td class="mono" title="Log position \d+">/g)).toHaveLength(500);
    expect(html).toMatch(/All 500 events match their leaf hashes/);
    expect(html).toContain('the latest plan');
    expect(html).toContain('Opened !9');
    expect(html).toMatch(/Only the first 1,000 resources are listed here/);
    const next = /href="([^"]*timeline_after=(\d+)[^"]*)" rel="next"/.exec(html);
    expect(next?.[2]).toBe(String(order[499]));
    const second = await (await web.get(next![1]!.replaceAll('&amp;', '&'))).text();
    expect(second).toContain(`<td class="mono" title="Log position ${order[500]}">${order[500]}</td>`);
    expect(second).not.toContain(`<td class="mono" title="Log position ${order[499]}">`);
    expect(second).toMatch(/All 500 events match their leaf hashes/);
    expect(second).toContain('First events');
    const bad = await web.get(`/-/duo/sessions/${ID}?timeline_after=nope`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/timeline_after: must be the seq of an event of this session/);
  });
});
