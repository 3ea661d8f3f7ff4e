import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { WebClient } from '../support/web.js';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('404 and 403 as pages for a browser, JSON for the API and webhooks', () => {
  const t = useTestApp();

  it('answers an unknown page path with an HTML page in the site layout, escaped; JSON to other clients', async () => {
    const anonymous = await t.app.request('/-/duo/nowhere<script>', { headers: BROWSER });
    expect(anonymous.status).toBe(404);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await anonymous.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<h1>Page not found</h1>');
    expect(html).not.toContain('<script>');
    // Signed in, the page carries the navigation.
    const web = new WebClient(t.app);
    await web.signIn(await t.token('auditor'));
    const signed = await web.request('/no/such/page', { headers: BROWSER });
    expect(signed.status).toBe(404);
    expect(await signed.text()).toContain('href="/admin/duo_agent_platform/audit"');
    // curl and scripts (no text/html) get JSON, as before.
    const json = await t.app.request('/no/such/page');
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: 'not_found', message: 'no route for GET /no/such/page' });
  });

  it('keeps JSON for /api/ and /webhooks/ even when a browser asks', async () => {
    for (const path of ['/api/v1/nothing', '/api/nothing', '/webhooks/nothing']) {
      const res = await t.app.request(path, { headers: BROWSER });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
    }
    const api = await t.app.request('/api/v1/sessions', { headers: { ...BROWSER, authorization: `Bearer ${await t.token('ingest')}` } });
    expect(api.status).toBe(403);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    // A form POST to an unknown path is not a page either.
    expect((await t.app.request('/-/nowhere', { method: 'POST', headers: BROWSER })).headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers forbidden page actions with an HTML page: the dashboard and its export for a user, a forged export form', async () => {
    const web = new WebClient(t.app);
    await web.signIn(await t.token('user', 'dwhitfield'));
    const dashboard = await web.request('/admin/duo_agent_platform/audit', { headers: BROWSER });
    expect(dashboard.status).toBe(403);
    expect(await dashboard.text()).toContain('<h1>Not allowed</h1>');
    const page = await (await web.get('/-/duo/sessions')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const exported = await web.post('/admin/duo_agent_platform/audit/export', { _csrf: csrf, format: 'csv' });
    expect(exported.status).toBe(403);
    expect(exported.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await exported.text()).toContain('Exports from the dashboard are for auditors and administrators; you are signed in as user.');
    const forged = await web.post('/admin/duo_agent_platform/audit/export', { _csrf: 'forged', format: 'csv' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('The form expired or did not come from this site.');
  });

  it('serves the API docs in the site layout: navigation for the signed-in, still public', async () => {
    const anonymous = await t.app.request('/api/v1/docs');
    expect(anonymous.status).toBe(200);
    const html = await anonymous.text();
    expect(html).toContain('/api/v1/sessions');
    expect(html).not.toContain('Sign out');
    const web = new WebClient(t.app);
    await web.signIn(await t.token('admin'));
    const signed = await (await web.get('/api/v1/docs')).text();
    expect(signed).toContain('href="/admin/duo_agent_platform/audit"');
    expect(signed).toContain('Sign out');
    expect(signed).toContain('<form class="search"');
  });
});
