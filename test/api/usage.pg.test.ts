import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/events.js';
import { useTestApp } from '../support/app.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';

type Json = Record<string, unknown>;

const USERS = [{ id: 1187, username: 'dwhitfield' }, { id: 2201, username: 'mchen' }, { id: 3305, username: 'apatel' }];
const PROJECTS = [{ id: 4821, path: 'acme/payments-api' }, { id: 4822, path: 'acme/ledger' }, { id: 5100, path: 'tools/ci/lint' }];
const FLOW_TYPES = ['software_development', 'code_review', 'fix_pipeline'];
const ENDINGS = ['completed', 'completed', 'failed', 'stopped', 'running', 'paused'] as const;
const BASE = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const FROM = '2026-03-04T00:00:00.000Z';
const TO = '2026-03-11T00:00:00.000Z';

/** One generated session, and what it should add to the report. */
interface Planned {
  id: string;
  start: number;
  user: string | null;
  project: string | null;
  flowType: string | null;
  status: string;
  commits: number;
  mergeRequests: number;
  notes: number;
  merged: number;
  input: number;
  output: number;
}

/** A small deterministic generator (xorshift32), so a failure can be replayed. */
function random(seed: number) {
  let x = seed;
  return (n: number) => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x % n;
  };
}

const sha = (s: string) => Array.from({ length: 40 }, (_, i) => '0123456789abcdef'[(s.charCodeAt(i % s.length) * (i + 7)) % 16]).join('');

/** A history of sessions: flow events for the API, and the links GitLab's webhooks would add (merges, trailer links). */
function history(count: number) {
  const r = random(20261203);
  const planned: Planned[] = [];
  const flow: Json[] = [];
  const links: NewEvent[] = [];
  for (let i = 0; i < count; i++) {
    const id = `u-${i}`;
    // Every 3 hours from 1 March: some before the window, some after; session 24 starts exactly at FROM, 80 exactly at TO.
    const start = BASE + i * 3 * HOUR;
    const at = (min: number) => new Date(start + min * 60_000).toISOString();
    if (i % 13 === 5) {
      // Created in GitLab and never started: no person, project or flow type.
      flow.push(flowEvent('duo_flow_created', id, at(0)));
      planned.push({ id, start, user: null, project: null, flowType: null, status: 'created', commits: 0, mergeRequests: 0, notes: 0, merged: 0, input: 0, output: 0 });
      continue;
    }
    const user = USERS[r(USERS.length)]!;
    const project = PROJECTS[r(PROJECTS.length)]!;
    const flowType = FLOW_TYPES[r(FLOW_TYPES.length)]!;
    const status = ENDINGS[r(ENDINGS.length)]!;
    flow.push(startedEvent(id, at(0), { user, project, flow_type: flowType }));
    const p: Planned = { id, start, user: user.username, project: project.path, flowType, status, commits: 0, mergeRequests: 0, notes: 0, merged: 0, input: 0, output: 0 };
    const commits = r(4);
    for (let k = 0; k < commits; k++) {
      const s = sha(`${id}-${k}`);
      flow.push(flowEvent('duo_flow_resource_created', id, at(1 + k), { resource_type: 'Commit', resource_id: s.slice(0, 8), action: 'created' }));
      // The push with the session trailer ties the same commit (its full SHA) to the session: counted once.
      links.push(link(id, at(2 + k), { resource_type: 'Commit', resource_id: s, link_method: 'trailer' }));
    }
    p.commits = commits;
    const mrs = r(3);
    for (let k = 0; k < mrs; k++) {
      flow.push(flowEvent('duo_flow_resource_created', id, at(10 + k), { resource_type: 'MergeRequest', resource_id: 100 + k, action: 'created' }));
      // Reported twice (created, then modified): one merge request.
      flow.push(flowEvent('duo_flow_resource_created', id, at(11 + k), { resource_type: 'MergeRequest', resource_id: 100 + k, action: 'modified' }));
    }
    p.mergeRequests = mrs;
    if (mrs > 0 && r(2) === 0) {
      // GitLab merged the first one: its merge and squash commits are tied to the session, and do not count as the session's commits.
      links.push(link(id, at(30), { resource_type: 'Commit', resource_id: sha(`${id}-merge`), link_method: 'merge', merge_request_iid: '100' }));
      links.push(link(id, at(30), { resource_type: 'Commit', resource_id: sha(`${id}-squash`), link_method: 'squash', merge_request_iid: '100' }));
      p.merged = 1;
    }
    const notes = r(3);
    for (let k = 0; k < notes; k++) flow.push(flowEvent('duo_flow_resource_created', id, at(20 + k), { resource_type: 'Note', resource_id: `n${k}`, action: 'created' }));
    p.notes = notes;
    if (status === 'completed' || status === 'failed') {
      const usage: Json = {};
      if (r(4) !== 0) { p.input = 1000 + r(90_000); usage.input_tokens = p.input; }
      if (r(4) !== 0) { p.output = 100 + r(9000); usage.output_tokens = p.output; }
      const fields = status === 'completed' ? { usage } : { error_category: 'tool_error', error_code: 'E1', error_message: 'failed', failed_at_step: 2, usage };
      flow.push(flowEvent(`duo_flow_${status}`, id, at(40), fields));
    } else if (status === 'stopped') {
      flow.push(flowEvent('duo_flow_stopped', id, at(40)));
    } else if (status === 'paused') {
      flow.push(flowEvent('duo_flow_paused', id, at(40), { paused_at_step: 2 }));
    }
    planned.push(p);
  }
  return { planned, flow, links };
}

function link(sessionId: string, occurredAt: string, data: Json): NewEvent {
  return { eventId: randomUUID(), type: 'duo_flow_resource_linked', sessionId, occurredAt, source: 'gitlab_webhook', sourceType: 'Push Hook', projectPath: null, username: null, data };
}

const FIGURES = ['sessions', 'completed', 'failed', 'stopped', 'unfinished', 'commits', 'merge_requests', 'notes', 'merge_requests_merged', 'input_tokens', 'output_tokens'] as const;

/** The report computed here, from the plan, without the service. */
function expected(planned: Planned[], keyOf: (p: Planned) => string | null, from: string, to: string) {
  const rows = new Map<string | null, Record<string, number>>();
  for (const p of planned) {
    if (p.start < Date.parse(from) || p.start >= Date.parse(to)) continue;
    const key = keyOf(p);
    const row = rows.get(key) ?? Object.fromEntries(FIGURES.map((f) => [f, 0]));
    row.sessions! += 1;
    if (p.status === 'completed' || p.status === 'failed' || p.status === 'stopped') row[p.status]! += 1;
    else row.unfinished! += 1;
    row.commits! += p.commits;
    row.merge_requests! += p.mergeRequests;
    row.notes! += p.notes;
    row.merge_requests_merged! += p.merged;
    row.input_tokens! += p.input;
    row.output_tokens! += p.output;
    rows.set(key, row);
  }
  return rows;
}

const KEYS: Record<string, (p: Planned) => string | null> = {
  group: (p) => (p.project === null ? null : p.project.slice(0, p.project.lastIndexOf('/'))),
  project: (p) => p.project,
  user: (p) => p.user,
  flow_type: (p) => p.flowType,
};

describe('GET /api/v1/usage', () => {
  const t = useTestApp();

  async function load() {
    const h = history(90);
    for (let i = 0; i < h.flow.length; i += 500) expect((await t.ingest(h.flow.slice(i, i + 500))).status).toBe(202);
    await t.deps.integrator.append(h.links);
    return h.planned;
  }

  it('answers the figures of a generated history by group, project, person and flow type, and the same as CSV', async () => {
    const planned = await load();
    const admin = await t.token('admin');
    for (const [groupBy, keyOf] of Object.entries(KEYS)) {
      const res = await t.get(`/api/v1/usage?from=${FROM}&to=${TO}&group_by=${groupBy}`, admin);
      expect(res.status).toBe(200);
      const body = await res.json() as { group_by: string; rows: (Record<string, number> & { key: string | null })[]; totals: Record<string, number>; per_day: { day: string; status: string; sessions: number }[] };
      expect(body.group_by).toBe(groupBy);
      const want = expected(planned, keyOf, FROM, TO);
      const got = new Map(body.rows.map(({ key, ...figures }) => [key, figures]));
      expect(got, groupBy).toEqual(want);
      // Most sessions first.
      expect(body.rows.map((r) => r.sessions)).toEqual([...body.rows.map((r) => r.sessions)].sort((a, b) => b - a));
      const all = expected(planned, () => 'all', FROM, TO).get('all')!;
      expect(body.totals).toEqual(all);
      // The window holds the session that started exactly at `from`, not the one exactly at `to`.
      expect(all.sessions).toBe(planned.filter((p) => p.start >= Date.parse(FROM) && p.start < Date.parse(TO)).length);
      expect(all.sessions).toBe(56);

      const csv = await t.get(`/api/v1/usage?from=${FROM}&to=${TO}&group_by=${groupBy}&format=csv`, admin);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await csv.text()).split('\r\n').filter((l) => l !== '');
      expect(lines[0]).toBe([groupBy, ...FIGURES].join(','));
      expect(lines.slice(1)).toEqual(body.rows.map((r) => [r.key ?? '', ...FIGURES.map((f) => String(r[f]))].join(',')));
    }
  });

  it('counts sessions per UTC day and status', async () => {
    const planned = await load();
    const res = await t.get(`/api/v1/usage?from=${FROM}&to=${TO}`, await t.token('auditor'));
    const body = await res.json() as { per_day: { day: string; status: string; sessions: number }[] };
    const want = new Map<string, number>();
    for (const p of planned) {
      if (p.start < Date.parse(FROM) || p.start >= Date.parse(TO)) continue;
      const k = `${new Date(p.start).toISOString().slice(0, 10)} ${p.status}`;
      want.set(k, (want.get(k) ?? 0) + 1);
    }
    expect(new Map(body.per_day.map((d) => [`${d.day} ${d.status}`, d.sessions]))).toEqual(want);
    // A window that does not start at midnight is counted from the sessions themselves, to the instant.
    const odd = await (await t.get('/api/v1/usage?from=2026-03-04T05:00:00Z&to=2026-03-05T05:00:00Z', await t.token('admin'))).json() as { totals: { sessions: number }; per_day: { sessions: number }[] };
    expect(odd.per_day.reduce((a, d) => a + d.sessions, 0)).toBe(odd.totals.sessions);
    expect(odd.totals.sessions).toBe(planned.filter((p) => p.start >= Date.parse('2026-03-04T05:00:00Z') && p.start < Date.parse('2026-03-05T05:00:00Z')).length);
  });

  it("gives a user token its own sessions' figures only", async () => {
    const planned = await load();
    const mine = planned.filter((p) => p.user === 'mchen');
    const token = await t.token('user', 'mchen');
    for (const groupBy of Object.keys(KEYS)) {
      const body = await (await t.get(`/api/v1/usage?from=${FROM}&to=${TO}&group_by=${groupBy}`, token)).json() as { rows: { key: string | null }[]; totals: Record<string, number> };
      expect(new Map(body.rows.map(({ key, ...f }) => [key, f]))).toEqual(expected(mine, KEYS[groupBy]!, FROM, TO));
      expect(body.totals.sessions).toBeLessThan(expected(planned, () => 'all', FROM, TO).get('all')!.sessions);
    }
    const byUser = await (await t.get(`/api/v1/usage?from=${FROM}&to=${TO}&group_by=user&format=csv`, token)).text();
    expect(byUser).not.toMatch(/dwhitfield|apatel/);
    expect(byUser).toContain('mchen');
  });

  it('defaults to the last 30 days', async () => {
    const now = Date.now();
    await t.ingest([startedEvent('recent', new Date(now - 2 * 86_400_000).toISOString()), startedEvent('old', new Date(now - 40 * 86_400_000).toISOString())]);
    const body = await (await t.get('/api/v1/usage', await t.token('admin'))).json() as { from: string; to: string; group_by: string; totals: { sessions: number } };
    expect(body.group_by).toBe('project');
    expect(body.totals.sessions).toBe(1);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 86_400_000);
  });

  it.each([
    ['from=yesterday', /from: /],
    ['to=2026-13-01', /to: /],
    ['from=2026-03-10&to=2026-03-01', /from \(2026-03-10T00:00:00.000Z\) must be before to/],
    ['from=2026-03-10&to=2026-03-10', /must be before to/],
    ['from=2024-01-01&to=2026-01-01', /at most 366 days apart/],
    ['group_by=team', /group_by: must be one of group, project, user, flow_type/],
    ['format=xml', /format: must be json or csv/],
    ['from=2026-03-01&since=2026-01-01', /unknown query parameter: since/],
    ['from=0000-01-01', /from: /],
  ])('refuses %s with a 400 in words', async (query, message) => {
    const res = await t.get(`/api/v1/usage?${query}`, await t.token('admin'));
    expect(res.status).toBe(400);
    expect((await res.json() as { message: string }).message).toMatch(message);
  });

  const FIELDS = 'key sessions completed failed stopped unfinished commits mergeRequests notes mergeRequestsMerged inputTokens outputTokens';
  const camel = (f: string) => f.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  async function gql(query: string, token: string) {
    const res = await t.app.request('/api/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    return { status: res.status, body: await res.json() as { data?: { duoFlowUsage: Record<string, unknown> }; errors?: { message: string; extensions?: { code?: string } }[] } };
  }

  it('answers GraphQL duoFlowUsage with the figures of the REST answer, paged rows, per day and totals', async () => {
    await load();
    const admin = await t.token('admin');
    for (const groupBy of Object.keys(KEYS)) {
      const rest = await (await t.get(`/api/v1/usage?from=${FROM}&to=${TO}&group_by=${groupBy}`, admin)).json() as { rows: Record<string, unknown>[]; totals: Record<string, number>; per_day: { day: string; status: string; sessions: number }[] };
      const rows: Record<string, unknown>[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const r = await gql(`{ duoFlowUsage(from: "${FROM}", to: "${TO}", groupBy: ${groupBy}) { groupBy from to totals { sessions inputTokens } perDay { day status sessions } rows(first: 2${after === null ? '' : `, after: "${after}"`}) { nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } } } }`, admin);
        expect(r.body.errors, groupBy).toBeUndefined();
        const u = r.body.data!.duoFlowUsage as { groupBy: string; from: string; totals: Record<string, number>; perDay: unknown[]; rows: { nodes: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
        expect([u.groupBy, u.from, u.totals]).toEqual([groupBy, FROM, { sessions: rest.totals.sessions, inputTokens: rest.totals.input_tokens }]);
        expect(u.perDay).toEqual(rest.per_day);
        rows.push(...u.rows.nodes);
        after = u.rows.pageInfo.hasNextPage ? u.rows.pageInfo.endCursor : null;
        pages++;
      } while (after !== null);
      expect(pages).toBe(Math.ceil(rest.rows.length / 2));
      expect(rows).toEqual(rest.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v]))));
    }
  });

  it("gives a user token its own sessions' figures in GraphQL too", async () => {
    const planned = await load();
    const r = await gql(`{ duoFlowUsage(from: "${FROM}", to: "${TO}", groupBy: user) { totals { sessions } rows { nodes { key sessions } } } }`, await t.token('user', 'apatel'));
    const want = expected(planned.filter((p) => p.user === 'apatel'), KEYS.user!, FROM, TO);
    expect((r.body.data!.duoFlowUsage as { rows: { nodes: unknown[] } }).rows.nodes).toEqual([...want].map(([key, f]) => ({ key, sessions: f.sessions })));
  });

  it('refuses a GraphQL window that is reversed, too long or not a time, in words', async () => {
    const admin = await t.token('admin');
    const reversed = await gql('{ duoFlowUsage(from: "2026-03-10", to: "2026-03-01") { totals { sessions } } }', admin);
    expect(reversed.body.errors![0]!.message).toMatch(/must be before to/);
    const long = await gql('{ duoFlowUsage(from: "2020-01-01", to: "2026-01-01") { totals { sessions } } }', admin);
    expect(long.body.errors![0]!.message).toMatch(/at most 366 days apart/);
    const bad = await gql('{ duoFlowUsage(from: "last week") { totals { sessions } } }', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors![0]!.message).toMatch(/Time: expected an ISO 8601 date-time/);
    const group = await gql('{ duoFlowUsage(groupBy: team) { totals { sessions } } }', admin);
    expect(group.status).toBe(400);
    expect(group.body.errors![0]!.message).toMatch(/DuoFlowUsageGroupBy/);
  });

  it('counts duoFlowUsage against the cost limit: per day is up to 366 days of each status', async () => {
    const admin = await t.token('admin');
    const one = '{ duoFlowUsage { perDay { day sessions } rows(first: 100) { nodes { key } } } }';
    expect((await gql(one, admin)).body.errors).toBeUndefined();
    const three = '{ a: duoFlowUsage { perDay { day } } b: duoFlowUsage { perDay { day } } c: duoFlowUsage { perDay { day } } }';
    const r = await gql(three, admin);
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions!.code).toBe('QUERY_TOO_COSTLY');
  });
});
