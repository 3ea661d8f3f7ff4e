import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';
import { csrfOf, WebClient } from '../support/web.js';

const EXPORT = '/admin/duo_agent_platform/audit/export';

/**
 * Attack: a page on another site sends the signed-in victim's browser to the
 * API (a link, an <img>, a form). The browser attaches the session cookie
 * (SameSite=Lax still sends it on a top-level GET), so whatever the cookie
 * authorizes runs as the victim: a GraphQL query in the URL, or an export
 * that is recorded as the victim's. Afterwards the API accepts only API
 * tokens, and the pages' export is a POST carrying the page's CSRF token.
 */
describe('a signed-in browser cannot be made to read or export across sites', () => {
  const t = useTestApp();

  async function victim(role: 'auditor' | 'user' = 'auditor'): Promise<WebClient> {
    expect((await t.ingest([startedEvent('s-victim', at(0), { input_prompt: 'VICTIM-PROMPT' })])).status).toBe(202);
    const web = new WebClient(t.app);
    expect((await web.signIn(await t.token(role, role === 'user' ? 'dwhitfield' : undefined))).status).toBe(303);
    return web;
  }
  const exports = async () => {
    await t.deps.integrator.integrate();
    return (await t.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_events where type = 'audit_export_performed'`)[0]!.n;
  };

  it('refuses a GraphQL query over GET that carries only the browser cookie', async () => {
    const web = await victim();
    const query = encodeURIComponent('{ duoFlowSessions(first: 10) { nodes { sessionId } } }');
    const res = await web.request(`/api/graphql?query=${query}`, { headers: { 'sec-fetch-site': 'cross-site', accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('s-victim');
    const post = await web.request('/api/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ duoFlowSessions(first: 10) { nodes { sessionId } } }' }) });
    expect(post.status).toBe(401);
  });

  it('refuses REST reads and exports that carry only the browser cookie, and records no export', async () => {
    const web = await victim();
    for (const path of ['/api/v1/export?format=csv', '/api/v1/export?format=ndjson&bundle=true', '/api/v1/sessions', '/api/v1/sessions/s-victim', '/api/v1/audit-events', '/api/v1/integrity']) {
      const res = await web.get(path);
      expect(res.status, path).toBe(401);
      expect(await res.text(), path).not.toContain('VICTIM-PROMPT');
    }
    expect(await exports()).toBe(0);
  });

  it("refuses the pages' export from another site, without the CSRF token, or by GET", async () => {
    const web = await victim();
    const csrf = csrfOf(await (await web.get('/admin/duo_agent_platform/audit')).text());
    expect(csrf).not.toBe('');
    expect((await web.post(EXPORT, { format: 'csv', _csrf: csrf }, 'https://evil.example')).status).toBe(403);
    expect((await web.post(EXPORT, { format: 'csv', _csrf: 'forged' })).status).toBe(403);
    expect((await web.post(EXPORT, { format: 'csv' })).status).toBe(403);
    expect([404, 405]).toContain((await web.get(`${EXPORT}?format=csv`)).status);
    expect(await exports()).toBe(0);
  });

  it("exports from the pages with the page's CSRF token, recorded as the signed-in reader's export", async () => {
    const web = await victim();
    const csrf = csrfOf(await (await web.get('/admin/duo_agent_platform/audit')).text());
    const res = await web.post(EXPORT, { format: 'csv', from: '2026-03-01T00:00:00.000Z', _csrf: csrf });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="flowtrail-export.csv"');
    expect(await res.text()).toContain('s-victim');
    expect(await exports()).toBe(1);
    const read = await t.get('/api/v1/audit-events?type=audit_export_performed', await t.token('admin'));
    const { events } = (await read.json()) as { events: { data: unknown }[] };
    expect(events.map((e) => e.data)).toMatchObject([{ format: 'csv', channel: 'web', actor: { role: 'auditor' } }]);
  });

  it("refuses the pages' export to a user, as the dashboard it belongs to", async () => {
    const web = await victim('user');
    const csrf = csrfOf(await (await web.get('/-/duo/sessions')).text());
    expect((await web.post(EXPORT, { format: 'csv', _csrf: csrf })).status).toBe(403);
    expect(await exports()).toBe(0);
  });
});
