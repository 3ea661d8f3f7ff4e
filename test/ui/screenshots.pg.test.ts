import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoEvents } from '../../src/demo/index.js';
import { useTestApp } from '../support/app.js';
import { screenshot, useBrowserSite } from '../support/browser.js';
import { seedLinkedSession, TRAILER_SHA, WEBHOOK_SECRET } from '../support/linked-session.js';

const WIDTHS = [1280, 768] as const;

describe('every page in Chromium at 1280 and 768 px (screenshots in docs/screenshots/)', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET });
  const site = useBrowserSite(t);

  async function context(token: string | null): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const { context, page } = await site.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 40\d/.test(m.text())) errors.push(m.text());
    });
    if (token !== null) {
      await site.signIn(page, token);
    }
    return { context, page, errors };
  }

  /** Opens a page at each width: the status it answers, no sideways scrolling of the document, a screenshot `name-width.png`. */
  async function shoot(page: Page, name: string, path: string, status = 200): Promise<void> {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      const res = await page.goto(`${site.url}${path}`);
      expect(res?.status(), `${name} at ${width}`).toBe(status);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} overflows at ${width} px`).toBeLessThanOrEqual(width);
      expect(await page.evaluate(() => document.compatMode), name).toBe('CSS1Compat');
      await screenshot(page, `${name}-${width}`);
    }
  }

  it('shows each page, none wider than the window', { timeout: 180_000 }, async () => {
    expect((await t.ingest(demoEvents())).status).toBe(202);
    await seedLinkedSession(t);
    await t.deps.integrator.checkpoint();

    const visitor = await context(null);
    await shoot(visitor.page, 'sign-in', '/-/sign_in');

    const admin = await context(await t.token('admin'));
    await shoot(admin.page, 'sessions', '/-/duo/sessions');
    await shoot(admin.page, 'session', '/-/duo/sessions/demo-1001');
    await shoot(admin.page, 'session-violations', '/-/duo/sessions/demo-1005');
    await shoot(admin.page, 'compare', '/-/duo/sessions/compare?s=demo-1001&s=demo-1005');
    await shoot(admin.page, 'search', `/-/duo/search?q=${TRAILER_SHA.slice(0, 8)}`);
    await shoot(admin.page, 'search-refused', '/-/duo/search?q=login+page', 400);
    await shoot(admin.page, 'audit', '/admin/duo_agent_platform/audit');
    await shoot(admin.page, 'api-docs', '/api/v1/docs');
    await expect(admin.page.locator('header nav a').allTextContents()).resolves.toEqual(expect.arrayContaining(['Sessions', 'Audit', 'API']));
    await shoot(admin.page, 'not-found', '/-/duo/no-such-page', 404);
    await expect(admin.page.locator('h1').textContent()).resolves.toBe('Page not found');
    await expect(admin.page.locator('header nav a').allTextContents()).resolves.toEqual(expect.arrayContaining(['Sessions', 'Audit', 'API']));

    const user = await context(await t.token('user', 'dwhitfield'));
    await shoot(user.page, 'forbidden', '/admin/duo_agent_platform/audit', 403);
    await shoot(user.page, 'session-not-found', '/-/duo/sessions/demo-1002', 404);

    expect([...visitor.errors, ...admin.errors, ...user.errors]).toEqual([]);
  });

  it('draws the session timeline as SVG without script: title, description, legend, marks for plan, decisions, resources and violations', async () => {
    expect((await t.ingest(demoEvents())).status).toBe(202);
    await t.deps.integrator.integrate();
    const { page } = await context(await t.token('admin'));
    await page.goto(`${site.url}/-/duo/sessions/demo-1005`);
    const chart = page.locator('figure.session-chart svg');
    await expect(chart.getAttribute('role')).resolves.toBe('img');
    await expect(chart.locator('title#chart-title').textContent()).resolves.toBe('Timeline of the session');
    await expect(chart.locator('desc').textContent()).resolves.toMatch(/^From \d{4}-\d\d-\d\d \d\d:\d\d to .* UTC \(\d+ min \d+ s\): 0 plan, 1 decisions, 1 resources, 0 pauses, 2 alerts\.$/);
    await expect(chart.locator('path.mark-alert title').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Lifecycle violation at .* UTC: Resumed without a pause \(resumed\)$/),
      expect.stringMatching(/^Lifecycle violation at .* UTC: Event after the session ended \(decision\)$/),
    ]);
    await expect(chart.locator('rect.mark-resource:not(.key)').count()).resolves.toBe(1);
    await expect(chart.locator('circle.mark-decision:not(.key)').count()).resolves.toBe(1);
    await expect(chart.locator('text').allTextContents()).resolves.toEqual(expect.arrayContaining(['Session', 'Plan', 'Decisions', 'Resources', 'Pauses', 'Alerts', 'alert or violation']));
    await expect(page.locator('svg script, svg [onload], svg foreignObject').count()).resolves.toBe(0);
    // A paused session: the pause runs to the last event, not resumed.
    await page.goto(`${site.url}/-/duo/sessions/demo-1003`);
    await expect(page.locator('rect.mark-pause title').allTextContents()).resolves.toEqual([expect.stringMatching(/\(not resumed\)$/)]);
    await expect(page.locator('rect.span.open').count()).resolves.toBe(1);
    // Words, not codes: the timeline table and the resources.
    await page.goto(`${site.url}/-/duo/sessions/demo-1001`);
    await expect(page.locator('th:has-text("Log position")').count()).resolves.toBe(1);
    const body = await page.locator('main').textContent();
    expect(body).toContain('Plan made');
    expect(body).toContain('!57');
    expect(body).not.toContain('duo_flow_');
    await expect(page.locator('abbr[title="9f2c41e7b0d35a8c6e1f4a2b7c9d0e3f5a6b8c1d"]').textContent()).resolves.toBe('9f2c41e7');
  });

  it('compares two sessions ticked in the list: alerts, resources and integrity side by side, by a plain GET form', async () => {
    expect((await t.ingest(demoEvents())).status).toBe(202);
    await t.deps.integrator.checkpoint();
    const { page } = await context(await t.token('admin'));
    await page.check('input[name=s][value="demo-1001"]');
    await page.check('input[name=s][value="demo-1005"]');
    await page.click('button:has-text("Compare the two ticked sessions")');
    await page.waitForURL(/\/-\/duo\/sessions\/compare\?s=demo-1\d+&s=demo-1\d+$/);
    const row = (label: string) => page.locator(`table.compare tr:has(th:text-is("${label}")) td`).allTextContents();
    const alerts = await row('Alerts');
    expect(alerts.join('|')).toContain('Lifecycle violation: Resumed without a pause (resumed)');
    expect(alerts.some((a) => a === 'none')).toBe(true);
    expect((await row('Resources')).join('|')).toContain('Merge request !57');
    expect(await row('Integrity')).toEqual([expect.stringMatching(/^All \d+ events match their leaf hashes; signed checkpoint of \d+ events valid$/), expect.stringMatching(/^All \d+ events match/)]);
    // One ticked session is said in words.
    const one = await page.goto(`${site.url}/-/duo/sessions/compare?s=demo-1001`);
    expect(one?.status()).toBe(400);
    await expect(page.locator('[role=alert]').textContent()).resolves.toBe('Tick exactly two sessions to compare (you ticked 1).');
  });
});
