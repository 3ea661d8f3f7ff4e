import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

type SessionsPage = { sessions: { session_id: string; user: { username: string } }[]; next_cursor: string | null };

describe('REST read API', () => {
  const t = useTestApp();
  const seed = async () => {
    const events = [];
    for (let i = 0; i < 7; i++) {
      const user = i % 2 === 0 ? { id: 1187, username: 'dwhitfield' } : { id: 2231, username: 'mchen' };
      events.push(startedEvent(`r${i}`, at(i), { user, flow_type: i < 3 ? 'code_review' : 'software_development' }));
    }
    events.push(flowEvent('duo_flow_resource_created', 'r0', at(10), { resource_type: 'MergeRequest', resource_id: 57, action: 'created', web_url: 'https://gitlab.example.test/a/b/-/merge_requests/57' }));
    events.push(flowEvent('duo_flow_completed', 'r0', at(20)));
    await t.ingest(events);
  };

  it('lists sessions newest first with filters and a keyset cursor that visits each once', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await t.get(`/api/v1/sessions?limit=3${cursor ? `&cursor=${cursor}` : ''}`, auditor)).json()) as SessionsPage;
      seen.push(...page.sessions.map((s) => s.session_id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
    const filtered = (await (await t.get('/api/v1/sessions?flow_type=code_review&user=dwhitfield', auditor)).json()) as SessionsPage;
    expect(filtered.sessions.map((s) => s.session_id)).toEqual(['r2', 'r0']);
    const status = (await (await t.get('/api/v1/sessions?status=completed', auditor)).json()) as SessionsPage;
    expect(status.sessions.map((s) => s.session_id)).toEqual(['r0']);
  });

  it('refuses bad query parameters with 400', async () => {
    const auditor = await t.token('auditor');
    expect((await t.get('/api/v1/sessions?status=exploded', auditor)).status).toBe(400);
    expect((await t.get('/api/v1/sessions?limit=1000', auditor)).status).toBe(400);
    expect((await t.get('/api/v1/sessions?cursor=garbage', auditor)).status).toBe(400);
    expect((await t.get('/api/v1/sessions?usr=typo', auditor)).status).toBe(400);
  });

  it('shows a user token only the sessions it initiated, in lists, details and events', async () => {
    await seed();
    const dana = await t.token('user', 'dwhitfield');
    const page = (await (await t.get('/api/v1/sessions', dana)).json()) as SessionsPage;
    expect(new Set(page.sessions.map((s) => s.user.username))).toEqual(new Set(['dwhitfield']));
    expect((await t.get('/api/v1/sessions/r1', dana)).status).toBe(404);
    expect((await t.get('/api/v1/sessions?user=mchen', dana)).status).toBe(403);
    const events = (await (await t.get('/api/v1/audit-events?limit=100', dana)).json()) as { events: { session_id: string }[] };
    expect(events.events.length).toBeGreaterThan(0);
    expect(events.events.every((e) => ['r0', 'r2', 'r4', 'r6'].includes(e.session_id))).toBe(true);
  });

  it('returns a session with its authorization, resources and full timeline', async () => {
    await seed();
    const res = await t.get('/api/v1/sessions/r0', await t.token('auditor'));
    const body = (await res.json()) as { session: Record<string, unknown>; resources: Record<string, unknown>[]; timeline: { type: string; data: Record<string, unknown> }[] };
    expect(body.session).toMatchObject({ session_id: 'r0', status: 'completed', resources_created: 1, duration_ms: 20 * 60_000, authorization: { reported: { method: 'composite_identity' } } });
    expect(body.resources).toMatchObject([{ resource_type: 'MergeRequest', resource_id: 57, action: 'created' }]);
    expect(body.timeline.map((e) => e.type)).toEqual(['duo_flow_started', 'duo_flow_resource_created', 'duo_flow_completed']);
    expect(body.timeline[0]!.data.input_prompt).toBe('Implement half-even rounding for ledger totals');
    expect((await t.get('/api/v1/sessions/nope', await t.token('auditor'))).status).toBe(404);
  });

  it('pages audit events by seq and filters by type and session', async () => {
    await seed();
    const auditor = await t.token('auditor');
    type Page = { events: { seq: number; session_id: string }[]; next_cursor: string | null };
    const r = (await (await t.get('/api/v1/audit-events?type=duo_flow_started&limit=4', auditor)).json()) as Page;
    expect(r.events.map((e) => e.session_id)).toEqual(['r6', 'r5', 'r4', 'r3']);
    const r2 = (await (await t.get(`/api/v1/audit-events?type=duo_flow_started&limit=4&cursor=${r.next_cursor}`, auditor)).json()) as Page;
    expect(r2.events.map((e) => e.session_id)).toEqual(['r2', 'r1', 'r0']);
    expect(Math.min(...r.events.map((e) => e.seq))).toBeGreaterThan(Math.max(...r2.events.map((e) => e.seq)));
    expect(r2.next_cursor).toBeNull();
    const one = (await (await t.get('/api/v1/audit-events?session_id=r0', auditor)).json()) as Page;
    expect(one.events.map((e) => e.session_id)).toEqual(['r0', 'r0', 'r0']);
  });

  it('streams an export as NDJSON, CSV, CEF and OCSF and records who exported', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const nd = await t.get('/api/v1/export?format=ndjson&session_id=r0', auditor);
    expect(nd.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await nd.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(['duo_flow_started', 'duo_flow_resource_created', 'duo_flow_completed']);
    const csv = await (await t.get('/api/v1/export?format=csv&session_id=r0', auditor)).text();
    expect(csv.split('\r\n')[0]).toBe('seq,event_id,type,session_id,occurred_at,recorded_at,source,source_type,source_id,project_path,username,data,leaf_hash');
    expect(csv.trim().split('\r\n')).toHaveLength(4);
    const cef = (await (await t.get('/api/v1/export?format=cef&session_id=r0', auditor)).text()).trim().split('\n');
    expect(cef).toHaveLength(3);
    expect(cef[0]).toMatch(/^CEF:0\|flowtrail\|flowtrail\|[^|]+\|duo_flow_started\|/);
    const ocsf = (await (await t.get('/api/v1/export?format=ocsf&session_id=r0', auditor)).text()).trim().split('\n').map((l) => JSON.parse(l) as { class_uid: number; unmapped: { session_id: string } });
    expect(ocsf.map((o) => [o.class_uid, o.unmapped.session_id])).toEqual([[6003, 'r0'], [6003, 'r0'], [6003, 'r0']]);
    await t.deps.integrator.integrate();
    const [n] = await t.deps.sql`select count(*)::int as n from audit_events where type = 'audit_export_performed'`;
    expect(n!.n).toBe(4);
  });

  it('manages tokens over HTTP for admins only, storing hashes and auditing each change', async () => {
    const admin = await t.token('admin');
    const auditor = await t.token('auditor');
    const post = (tok: string, body: unknown) => t.app.request('/api/v1/tokens', { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(auditor, { role: 'ingest' })).status).toBe(403);
    expect((await post(admin, { role: 'user' })).status).toBe(400);
    expect((await post(admin, { role: 'root' })).status).toBe(400);
    const created = (await (await post(admin, { role: 'user', user: 'mchen', name: 'Ming' })).json()) as { id: string; token: string };
    expect(created.token).toMatch(/^ftk_[A-Za-z0-9_-]{40}$/);
    expect((await t.get('/api/v1/sessions', created.token)).status).toBe(200);
    const stored = await t.deps.sql`select token_hash from api_tokens where id = ${created.id}`;
    expect(Buffer.from(stored[0]!.tokenHash as Buffer).toString('utf8')).not.toContain(created.token);
    const del = await t.app.request(`/api/v1/tokens/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(del.status).toBe(200);
    expect((await t.get('/api/v1/sessions', created.token)).status).toBe(401);
    await t.deps.integrator.integrate();
    const types = (await t.deps.sql`select type from audit_events where type like 'api_token_%' order by seq`).map((r) => r.type);
    expect(types.filter((x) => x === 'api_token_revoked')).toHaveLength(1);
    expect(types.filter((x) => x === 'api_token_created').length).toBeGreaterThanOrEqual(3);
  });
});
