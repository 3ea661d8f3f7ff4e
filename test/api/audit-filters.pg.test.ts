import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

type Event = { seq: number; type: string; session_id: string | null; project_path: string | null; username: string | null };
type DescPage = { events: Event[]; next_cursor: string | null };
type AscPage = { events: Event[]; next_after_seq: number | null; has_more: boolean };

const STOREFRONT = { id: 9001, path: 'acme-web/storefront' };

describe('audit event filters: project, user and flow type cover whole sessions; after_seq pages forward', () => {
  const t = useTestApp();
  /** Three sessions; only each session's start carries its project, as GitLab sends them. */
  const seed = async () => {
    const sessions = [
      { id: 's1', project: STOREFRONT, flow_type: 'code_review', user: { id: 1187, username: 'dwhitfield' } },
      { id: 's2', project: STOREFRONT, flow_type: 'software_development', user: { id: 1187, username: 'dwhitfield' } },
      { id: 's3', project: { id: 4821, path: 'acme-platform/payments-api' }, flow_type: 'code_review', user: { id: 2231, username: 'mchen' } },
    ];
    const events = [];
    for (const [i, s] of sessions.entries()) {
      events.push(startedEvent(s.id, at(i * 10), { project: s.project, flow_type: s.flow_type, user: s.user }));
      events.push(flowEvent('duo_flow_resource_created', s.id, at(i * 10 + 1), { resource_type: 'MergeRequest', resource_id: 50 + i, action: 'created', web_url: `https://gitlab.example.test/a/b/-/merge_requests/${50 + i}` }));
      events.push(flowEvent('duo_flow_completed', s.id, at(i * 10 + 2)));
    }
    expect((await t.ingest(events)).status).toBeLessThan(300);
  };

  /** Every event of the log, oldest first, read without a filter. */
  const everything = async (auditor: string): Promise<Event[]> =>
    ((await (await t.get('/api/v1/audit-events?order=asc&limit=100', auditor)).json()) as AscPage).events;

  const list = async (query: string, token: string): Promise<Event[]> => {
    const res = await t.get(`/api/v1/audit-events?limit=100&${query}`, token);
    expect(res.status).toBe(200);
    return ((await res.json()) as DescPage).events;
  };

  it('a project filter lists every event of the project\'s sessions, also those that do not carry the project', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const all = await everything(auditor);
    const expected = all.filter((e) => e.session_id === 's1' || e.session_id === 's2').map((e) => e.seq).reverse();
    expect(expected.length).toBeGreaterThanOrEqual(6);
    // The events after the start carry no project themselves: the old filter matched only the starts.
    expect(all.some((e) => e.session_id === 's1' && e.project_path === null)).toBe(true);
    expect((await list('project=acme-web/storefront', auditor)).map((e) => e.seq)).toEqual(expected);
    expect((await list('project=9001', auditor)).map((e) => e.seq)).toEqual(expected);
    expect(await list('project=acme-web/nothing', auditor)).toEqual([]);
  });

  it('a user filter lists every event of their sessions and the session-less events naming them', async () => {
    await seed();
    const auditor = await t.token('auditor');
    // An export by mchen is a session-less event naming them.
    const exported = await t.get('/api/v1/export?format=csv&project=acme-web/nothing', await t.token('auditor', 'mchen'));
    expect(exported.status).toBe(200);
    await exported.text();
    await t.deps.integrator.integrate();
    const all = await everything(auditor);
    const exportEvent = all.find((e) => e.type === 'audit_export_performed' && e.username === 'mchen');
    expect(exportEvent?.session_id).toBeNull();
    const expected = all.filter((e) => e.session_id === 's3' || e === exportEvent).map((e) => e.seq).reverse();
    expect((await list('user=mchen', auditor)).map((e) => e.seq)).toEqual(expected);
  });

  it('a flow_type filter lists every event of the sessions of that flow type, combined with the others', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const all = await everything(auditor);
    const of = (...ids: string[]) => all.filter((e) => e.session_id !== null && ids.includes(e.session_id)).map((e) => e.seq).reverse();
    expect((await list('flow_type=code_review', auditor)).map((e) => e.seq)).toEqual(of('s1', 's3'));
    expect((await list('flow_type=code_review&project=acme-web/storefront', auditor)).map((e) => e.seq)).toEqual(of('s1'));
    expect((await list('flow_type=code_review&user=mchen&type=duo_flow_completed', auditor)).map((e) => e.type)).toEqual(['duo_flow_completed']);
    expect(await list('flow_type=chat', auditor)).toEqual([]);
  });

  it('order=asc pages forward from after_seq: each event once, in order, and an empty page when caught up', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const expected = (await everything(auditor)).filter((e) => e.session_id === 's1' || e.session_id === 's2').map((e) => e.seq);
    const seen: number[] = [];
    let after: number | null = null;
    let pages = 0;
    for (;;) {
      const res = await t.get(`/api/v1/audit-events?project=acme-web/storefront&order=asc&limit=2${after === null ? '' : `&after_seq=${after}`}`, auditor);
      expect(res.status).toBe(200);
      const page = (await res.json()) as AscPage;
      seen.push(...page.events.map((e) => e.seq));
      pages++;
      if (!page.has_more) break;
      after = page.next_after_seq;
    }
    expect(pages).toBe(Math.ceil(expected.length / 2));
    expect(seen).toEqual(expected);
    // Caught up: no events, and the same after_seq to ask again with.
    const last = expected[expected.length - 1]!;
    const idle = (await (await t.get(`/api/v1/audit-events?project=acme-web/storefront&order=asc&after_seq=${last}`, auditor)).json()) as AscPage;
    expect(idle).toEqual({ events: [], next_after_seq: last, has_more: false });
    // New events of the project's sessions arrive after it.
    await t.ingest([flowEvent('duo_flow_resource_created', 's2', at(40), { resource_type: 'MergeRequest', resource_id: 99, action: 'created', web_url: 'https://gitlab.example.test/a/b/-/merge_requests/99' })]);
    const next = (await (await t.get(`/api/v1/audit-events?project=acme-web/storefront&order=asc&after_seq=${last}`, auditor)).json()) as AscPage;
    expect(next.events.length).toBeGreaterThan(0);
    expect(next.events.every((e) => e.session_id === 's2' && e.seq > last)).toBe(true);
  });

  it('the CSV export holds as many events as audit-events lists for the same filter', async () => {
    await seed();
    const auditor = await t.token('auditor');
    for (const q of ['project=acme-web/storefront', 'project=9001', 'user=dwhitfield', 'flow_type=code_review', 'flow_type=software_development&user=dwhitfield']) {
      const listed = await list(q, auditor);
      const csv = await (await t.get(`/api/v1/export?format=csv&${q}`, auditor)).text();
      const rows = csv.trim().split('\n').length - 1; // less the header
      expect(rows, q).toBe(listed.length);
      expect(listed.length, q).toBeGreaterThan(1);
    }
  });

  it('refuses bad after_seq, order and mixes of the two pagings with 400', async () => {
    const auditor = await t.token('auditor');
    for (const q of ['order=asc&after_seq=abc', 'order=asc&after_seq=-1', 'order=asc&after_seq=1.5', 'order=asc&after_seq=', 'order=asc&after_seq=9999999999999999',
      'order=sideways', 'order=', 'after_seq=3', 'order=desc&after_seq=3', 'order=asc&cursor=MTA', 'flow_type=']) {
      const res = await t.get(`/api/v1/audit-events?${q}`, auditor);
      expect(res.status, q).toBe(400);
    }
    expect((await t.get('/api/v1/export?after_seq=3', auditor)).status).toBe(400);
    expect((await t.get('/api/v1/export?order=asc', auditor)).status).toBe(400);
  });
});
