import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoEvents } from '../../src/demo/index.js';
import { useTestApp } from '../support/app.js';
import { screenshot, useBrowserSite } from '../support/browser.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';
import { api, GITLAB } from '../support/gitlab.js';
import { server } from '../support/msw.js';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('pages in Chromium (playwright-core)', () => {
  const t = useTestApp({
    FLOWTRAIL_GITLAB_URL: GITLAB, FLOWTRAIL_GITLAB_TOKEN: 'bot-token-0123456789',
    FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID: 'app-id', FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET: 'app-secret',
  });
  const site = useBrowserSite(t);

  async function seed() {
    expect((await t.ingest(demoEvents())).status).toBe(202);
    expect((await t.ingest([
      startedEvent('demo-xss', ago(30), {
        input_prompt: 'Fix the login page <script>window.__pwned = 1</script> as in [the ticket](javascript:window.__pwned=2)',
        input_context: { link: 'javascript:window.__pwned=3' },
      }),
      flowEvent('duo_flow_plan_generated', 'demo-xss', ago(29), { plan_steps: ['<img src=x onerror="window.__pwned=4">Read the form'] }),
    ])).status).toBe(202);
    await t.deps.integrator.checkpoint();
  }

  /** A fresh browser context (its own cookies), signed in with a token through the form. */
  async function signedIn(token: string): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
    const { page } = await site.newPage({ acceptDownloads: true });
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${site.url}/-/duo/sessions`);
    expect(new URL(page.url()).pathname).toBe('/-/sign_in');
    await page.fill('#token', token);
    await page.click('text=Sign in with a token');
    await page.waitForURL(`${site.url}/-/duo/sessions`);
    return { page, dialogs, errors };
  }

  it('signs in with a token, filters the list, opens a session, compares it with another', async () => {
    await seed();
    const { page, errors } = await signedIn(await t.token('user', 'dwhitfield'));
    await expect(page.locator('h1').textContent()).resolves.toBe('My agent sessions');
    await expect(page.locator('tbody tr').count()).resolves.toBe(3); // demo-1001, demo-1004, demo-xss
    await screenshot(page, 'sessions-list-1280');
    await page.selectOption('select[name=status]', 'completed');
    await page.click('text=Filter');
    await page.waitForURL(/status=completed/);
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.click('a[href="/-/duo/sessions/demo-1001"]');
    await page.waitForURL(/\/-\/duo\/sessions\/demo-1001$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('Session demo-1001');
    await expect(page.locator('.chain').textContent()).resolves.toContain('ai-developer-acme-platform');
    await expect(page.locator('text=Chain verified up to checkpoint').count()).resolves.toBe(1);
    // Relative times, exact time on hover.
    const time = page.locator('dl.facts time').first();
    await expect(time.getAttribute('title')).resolves.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    await screenshot(page, 'session-detail-1280');
    await page.click('text=Compare with another session');
    await page.fill('input[name=b]', 'demo-1004');
    await page.click('button:has-text("Compare")');
    await page.waitForURL(/compare\?a=demo-1001&b=demo-1004/);
    await expect(page.locator('table.compare .diff-only').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'compare-form-1280');
    await page.click('header >> text=API');
    await page.waitForURL(/\/api\/v1\/docs$/);
    await expect(page.locator('body').textContent()).resolves.toContain('/api/v1/sessions');
    await screenshot(page, 'api-docs-link-1280');
    expect(errors).toEqual([]);
  });

  it("refuses a user another user's session, page and API alike", async () => {
    await seed();
    const { page } = await signedIn(await t.token('user', 'dwhitfield'));
    const res = await page.goto(`${site.url}/-/duo/sessions/demo-1002`);
    expect(res?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Session not found');
    await screenshot(page, 'other-users-session-1280');
    // The browser session authorizes no API request: not another user's session, not even the user's own.
    const api = await page.goto(`${site.url}/api/v1/sessions/demo-1002`);
    expect(api?.status()).toBe(401);
    expect(await api?.text()).not.toContain('demo-1002');
    const admin = await page.goto(`${site.url}/admin/duo_agent_platform/audit`);
    expect(admin?.status()).toBe(403);
  });

  it('keeps a prompt holding <script> and javascript: links inert', async () => {
    await seed();
    const { page, dialogs } = await signedIn(await t.token('admin'));
    await page.goto(`${site.url}/-/duo/sessions/demo-xss`);
    await expect(page.locator('pre.text').first().textContent()).resolves.toContain('<script>window.__pwned = 1</script>');
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    await expect(page.locator('a[href^="javascript:"]').count()).resolves.toBe(0);
    await expect(page.locator('img').count()).resolves.toBe(0);
    // The page's only script is its own file.
    await expect(page.evaluate(() => [...document.scripts].map((s) => s.getAttribute('src')))).resolves.toEqual(['/-/assets/app.js']);
    await screenshot(page, 'session-inert-text-1280');
    expect(dialogs).toEqual([]);
  });

  it('shows auditors the dashboard and exports the current filter as CSV and NDJSON', async () => {
    await seed();
    const { page, errors } = await signedIn(await t.token('auditor'));
    await page.click('text=Audit');
    await page.waitForURL(/\/admin\/duo_agent_platform\/audit$/);
    await expect(page.locator('svg.chart rect.bar').count()).resolves.toBe(30); // the last 30 days by default
    await expect(page.locator('.cards .card').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'audit-dashboard-1280');
    await page.fill('input[name=user]', 'mchen');
    await page.click('text=Filter');
    await page.waitForURL(/user=mchen/);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('form.export button:has-text("CSV")')]);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^seq,/);
    expect(text).toContain('demo-1002');
    expect(text).not.toContain('demo-1001');
    const [nd] = await Promise.all([page.waitForEvent('download'), page.click('form.export button:has-text("NDJSON")')]);
    const lines = readFileSync((await nd.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { session_id: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.session_id !== 'demo-1001')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('signs in through GitLab: the browser goes to GitLab, comes back with a code, the service trades it', async () => {
    await seed();
    server.use(
      http.post(`${GITLAB}/oauth/token`, async ({ request }) => {
        const body = new URLSearchParams(await request.text());
        return body.get('code') === 'code-for-mchen' && body.get('code_verifier') !== null
          ? HttpResponse.json({ access_token: 'at-mchen', token_type: 'Bearer' })
          : HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
      }),
      http.get(api('/user'), ({ request }) => (request.headers.get('authorization') === 'Bearer at-mchen'
        ? HttpResponse.json({ id: 2201, username: 'mchen', name: 'Mei Chen', is_admin: false, state: 'active' })
        : HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 }))),
    );
    const { page } = await site.newPage();
    // GitLab's authorize page, as the browser meets it: the person approves, GitLab redirects back.
    await page.route(`${GITLAB}/oauth/authorize?**`, async (route) => {
      const url = new URL(route.request().url());
      // FLOWTRAIL_PUBLIC_URL (the redirect_uri's origin) is where a proxy would serve this test's server.
      const back = new URL(new URL(url.searchParams.get('redirect_uri')!).pathname, site.url);
      back.searchParams.set('code', 'code-for-mchen');
      back.searchParams.set('state', url.searchParams.get('state')!);
      await route.fulfill({ status: 302, headers: { location: back.toString() } });
    });
    await page.goto(`${site.url}/-/sign_in`);
    await screenshot(page, 'sign-in-gitlab-1280');
    await page.click('text=Sign in with GitLab');
    await page.waitForURL(`${site.url}/-/duo/sessions`);
    await expect(page.locator('header .who').textContent()).resolves.toContain('Mei Chen');
    await expect(page.locator('tbody tr a').allTextContents()).resolves.toEqual(expect.arrayContaining(['demo-1002']));
    await expect(page.locator('text=demo-1001').count()).resolves.toBe(0);
  });
});
