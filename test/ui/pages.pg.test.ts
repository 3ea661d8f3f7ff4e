import { describe, expect, it } from 'vitest';
import { revokeApiToken } from '../../src/auth/index.js';
import { deleteExpiredWebSessions } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { csrfOf, WebClient } from '../support/web.js';

const MCHEN = { id: 2201, username: 'mchen' };
const XSS = '<script>alert("prompt")</script> see [docs](javascript:alert(1)) <img src=x onerror=alert(2)>';

describe('pages: sign-in, roles, filters, and what a page never shows', () => {
  const t = useTestApp();

  async function seed() {
    const res = await t.ingest([
      startedEvent('s-dana-1', at(0), { input_prompt: XSS, input_context: { link: 'javascript:alert(3)' } }),
      flowEvent('duo_flow_plan_generated', 's-dana-1', at(1), { plan_steps: ['Read <b>totals.py</b>', 'Switch to ROUND_HALF_EVEN'], plan_summary: 'Rounding' }),
      flowEvent('duo_flow_decision_logged', 's-dana-1', at(2), { step: 1, decision: 'Use decimal', rationale: 'exact', alternatives: ['custom helper'] }),
      flowEvent('duo_flow_resource_created', 's-dana-1', at(3), { resource_type: 'MergeRequest', resource_id: 57, action: 'created', web_url: 'https://gitlab.test/acme-platform/payments-api/-/merge_requests/57' }),
      flowEvent('duo_flow_completed', 's-dana-1', at(4), { outcome_summary: 'Opened !57', usage: { input_tokens: 100, output_tokens: 20 } }),
      startedEvent('s-dana-2', at(10), { flow_type: 'code_review' }),
      startedEvent('s-mchen-1', at(20), { user: MCHEN, input_prompt: 'mchen private prompt' }),
    ]);
    expect(res.status).toBe(202);
  }

  it('sends a visitor to the sign-in page and back after a token sign-in', async () => {
    const web = new WebClient(t.app);
    const first = await web.get('/-/duo/sessions/s-dana-1?x=1');
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/-/sign_in?return_to=%2F-%2Fduo%2Fsessions%2Fs-dana-1%3Fx%3D1');
    const page = await (await web.get('/-/sign_in?return_to=%2F-%2Fduo%2Fsessions')).text();
    expect(page).toContain('Sign in with a token');
    expect(page).not.toContain('Sign in with GitLab');
    const res = await web.post('/-/sign_in', { token: await t.token('user', 'dwhitfield'), _csrf: csrfOf(page), return_to: '/-/duo/sessions/s-dana-1' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/-/duo/sessions/s-dana-1');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('flowtrail_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/ftk_/);
    expect((await web.get('/-/duo/sessions')).status).toBe(200);
    // Who signed in is itself recorded, before the browser session exists.
    await t.deps.integrator.integrate();
    const events = (await (await t.get('/api/v1/audit-events?type=user_signed_in', await t.token('auditor'))).json()) as { events: { username: string; source: string; data: Record<string, unknown> }[] };
    expect(events.events).toEqual([expect.objectContaining({ username: 'dwhitfield', source: 'system', data: expect.objectContaining({ method: 'token', role: 'user' }) })]);
    expect(JSON.stringify(events)).not.toContain('ftk_');
  });

  it('refuses a sign-in without the form\'s CSRF token, from another origin, with a bad or an ingest token; never redirects off-site', async () => {
    const web = new WebClient(t.app);
    const page = await (await web.get('/-/sign_in')).text();
    const user = await t.token('user', 'dwhitfield');
    expect((await web.post('/-/sign_in', { token: user, _csrf: 'forged' })).status).toBe(403);
    expect((await web.post('/-/sign_in', { token: user, _csrf: csrfOf(page) }, 'https://evil.example')).status).toBe(403);
    const fresh = await (await web.get('/-/sign_in')).text();
    const bad = await web.post('/-/sign_in', { token: 'ftk_' + 'z'.repeat(40), _csrf: csrfOf(fresh) });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('That token is not valid');
    const again = await (await web.get('/-/sign_in')).text();
    const ingest = await web.post('/-/sign_in', { token: await t.token('ingest'), _csrf: csrfOf(again) });
    expect(ingest.status).toBe(403);
    expect(web.cookies()).not.toContain('flowtrail_session');
    for (const evil of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const p = await (await web.get('/-/sign_in')).text();
      const res = await web.post('/-/sign_in', { token: user, _csrf: csrfOf(p), return_to: evil });
      expect(res.headers.get('location'), evil).toBe('/-/duo/sessions');
      await web.post('/-/sign_out', { _csrf: csrfOf(await (await web.get('/-/duo/sessions')).text()) });
    }
  });

  it("shows a user only their own sessions: list, detail, comparison, dashboard and exports", async () => {
    await seed();
    const web = new WebClient(t.app);
    await web.signIn(await t.token('user', 'dwhitfield'));
    const list = await (await web.get('/-/duo/sessions')).text();
    expect(list).toContain('s-dana-1');
    expect(list).toContain('s-dana-2');
    expect(list).not.toContain('s-mchen-1');
    const other = await web.get('/-/duo/sessions/s-mchen-1');
    expect(other.status).toBe(404);
    const otherText = await other.text();
    expect(otherText).not.toContain('mchen private prompt');
    expect(otherText).toBe(await (await web.get('/-/duo/sessions/no-such-session')).text().then((x) => x.replace('no-such-session', 's-mchen-1')));
    const compare = await web.get('/-/duo/sessions/compare?a=s-dana-1&b=s-mchen-1');
    expect(compare.status).toBe(404);
    expect(await compare.text()).not.toContain('mchen private prompt');
    expect((await web.get('/admin/duo_agent_platform/audit')).status).toBe(403);
    // The cookie authorizes no API request (test/security/cross-site-reads.pg.test.ts), and the dashboard's export is not the user's.
    expect((await web.get('/api/v1/export?format=ndjson')).status).toBe(401);
    expect((await web.get('/api/v1/sessions/s-dana-1')).status).toBe(401);
    expect((await web.post('/admin/duo_agent_platform/audit/export', { format: 'ndjson', _csrf: csrfOf(list) })).status).toBe(403);
    expect((await web.request('/api/v1/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"admin"}' })).status).toBe(401);
  });

  it('renders free text as text: a prompt holding <script> and javascript: links stays inert', async () => {
    await seed();
    const web = new WebClient(t.app);
    await web.signIn(await t.token('auditor'));
    const res = await web.get('/-/duo/sessions/s-dana-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(&quot;prompt&quot;)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toMatch(/<img src=x/);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('Read &lt;b&gt;totals.py&lt;/b&gt;');
    // What the detail page shows: attribution, plan, decisions, resources with links, usage, integrity.
    expect(html).toContain('ai-developer-acme-platform');
    expect(html).toContain('Switch to ROUND_HALF_EVEN');
    expect(html).toContain('Use decimal');
    expect(html).toContain('href="https://gitlab.test/acme-platform/payments-api/-/merge_requests/57"');
    expect(html).toContain('100 in, 20 out');
    expect(html).toMatch(/All 5 events match their leaf hashes/);
    expect(html).toContain('No signed checkpoint yet');
    await t.deps.integrator.checkpoint();
    const signed = await (await web.get('/-/duo/sessions/s-dana-1')).text();
    expect(signed).toMatch(/Chain verified up to checkpoint \d+ \(signed <time[^>]*>[^<]*<\/time>, signature valid\)/);
  });

  it('filters and pages the list; a bad filter is named, not ignored', async () => {
    await seed();
    const web = new WebClient(t.app);
    await web.signIn(await t.token('user', 'dwhitfield'));
    const reviews = await (await web.get('/-/duo/sessions?flow_type=code_review&status=&project=')).text();
    expect(reviews).toContain('s-dana-2');
    expect(reviews).not.toContain('s-dana-1<');
    const done = await (await web.get('/-/duo/sessions?status=completed')).text();
    expect(done).toContain('s-dana-1');
    expect(done).not.toContain('>s-dana-2<');
    const none = await (await web.get('/-/duo/sessions?from=2030-01-01')).text();
    expect(none).toContain('No sessions match these filters');
    const bad = await web.get('/-/duo/sessions?status=exploded');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Filters not applied: status: /);
    // Twenty-five sessions: a first page of twenty and a second of five.
    await t.ingest(Array.from({ length: 23 }, (_, i) => startedEvent(`s-bulk-${String(i).padStart(2, '0')}`, at(30 + i))));
    const p1 = await (await web.get('/-/duo/sessions')).text();
    expect(p1.match(/href="\/-\/duo\/sessions\/s-/g)).toHaveLength(20);
    const next = /href="([^"]*cursor=[^"]*)" rel="next"/.exec(p1)![1]!.replace(/&amp;/g, '&');
    const p2 = await (await web.get(next)).text();
    expect(p2.match(/href="\/-\/duo\/sessions\/s-/g)).toHaveLength(5);
    expect(p2).toContain('s-dana-1');
  });

  it('shows auditors the dashboard: alerts, chart, export links, integrity; its filters narrow it', async () => {
    await seed();
    await t.ingest([flowEvent('duo_flow_resumed', 's-dana-2', at(11))]); // resumed without pause: a lifecycle violation
    const web = new WebClient(t.app);
    await web.signIn(await t.token('auditor'));
    const res = await web.get(`/admin/duo_agent_platform/audit?from=2026-03-01&to=2026-03-31`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<span class="n">1<\/span>Lifecycle violation/);
    expect(html).toMatch(/<svg class="chart"[^>]*aria-label="sessions started: 3 in 31 days/);
    expect(html).toContain('<form class="export" method="post" action="/admin/duo_agent_platform/audit/export">');
    expect(html).toContain('<input type="hidden" name="from" value="2026-03-01T00:00:00.000Z"/>');
    expect(html).toMatch(/events in the log/);
    const narrowed = await (await web.get('/admin/duo_agent_platform/audit?user=mchen&from=2026-03-01&to=2026-03-31')).text();
    expect(narrowed).toContain('s-mchen-1');
    expect(narrowed).not.toContain('>s-dana-1<');
    const csv = await web.post('/admin/duo_agent_platform/audit/export', { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', format: 'csv', _csrf: csrfOf(html) });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('duo_flow_started');
  });

  it('signs out only with the CSRF token, and ends a token session when its token is revoked', async () => {
    await seed();
    const web = new WebClient(t.app);
    const token = await t.token('user', 'dwhitfield');
    await web.signIn(token);
    const page = await (await web.get('/-/duo/sessions')).text();
    expect((await web.post('/-/sign_out', { _csrf: 'forged' })).status).toBe(403);
    expect((await web.get('/-/duo/sessions')).status).toBe(200);
    expect((await web.post('/-/sign_out', { _csrf: csrfOf(page) })).status).toBe(303);
    expect((await web.get('/-/duo/sessions')).status).toBe(302);
    // Sign in again, then revoke the token: the browser session ends with it.
    await web.signIn(token);
    expect((await web.get('/-/duo/sessions')).status).toBe(200);
    const id = (await (await t.get('/api/v1/tokens', await t.token('admin'))).json() as { tokens: { id: string; user: string | null; role: string }[] }).tokens.find((x) => x.role === 'user')!.id;
    await revokeApiToken(t.deps.sql, id, { id: 'test' });
    expect((await web.get('/-/duo/sessions')).status).toBe(302);
  });

  it('ends a browser session when it expires, and the daily cleanup deletes it', async () => {
    const web = new WebClient(t.app);
    await web.signIn(await t.token('auditor'));
    expect((await web.get('/-/duo/sessions')).status).toBe(200);
    await t.deps.sql`update web_sessions set expires_at = now() - interval '1 second'`;
    expect((await web.get('/-/duo/sessions')).status).toBe(302);
    expect(await deleteExpiredWebSessions(t.deps.sql)).toBe(1);
    expect((await t.deps.sql`select count(*)::int as n from web_sessions`)[0]!.n).toBe(0);
  });
});
