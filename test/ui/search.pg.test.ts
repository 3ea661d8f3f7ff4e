import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { screenshot, useBrowserSite } from '../support/browser.js';
import { MERGE_SHA, seedLinkedSession, SQUASH_SHA, TRAILER_SHA, WEBHOOK_SECRET } from '../support/linked-session.js';
import { WebClient } from '../support/web.js';

const MR_URL = 'https://gitlab.example.com/acme-platform/payments-api/-/merge_requests/57';

describe('the search box: which session made this commit or merge request', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET });
  const site = useBrowserSite(t);

  const web = async (token: string) => {
    const w = new WebClient(t.app);
    expect((await w.signIn(token)).status).toBe(303);
    return w;
  };
  const sessionsFound = (html: string) => [...html.matchAll(/<a href="\/-\/duo\/sessions\/([^"?]+)">/g)].map((m) => m[1]);

  it('finds the session by full SHA, prefix, merge and squash commit, reference and URL', async () => {
    await seedLinkedSession(t);
    const w = await web(await t.token('auditor'));
    for (const q of [TRAILER_SHA, 'DEFD29C', MERGE_SHA, SQUASH_SHA.slice(0, 9), 'acme-platform/payments-api!57', MR_URL, `${MR_URL}/diffs`]) {
      const res = await w.get(`/-/duo/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(sessionsFound(await res.text()), q).toEqual(['9137']);
    }
    const none = await w.get(`/-/duo/search?q=${'e'.repeat(40)}`);
    expect(none.status).toBe(200);
    const html = await none.text();
    expect(sessionsFound(html)).toEqual([]);
    expect(html).toContain('No session found');
  });

  it('says in words what a term is not, with 400, and escapes it', async () => {
    const w = await web(await t.token('auditor'));
    const res = await w.get(`/-/duo/search?q=${encodeURIComponent('<b>login</b> page')}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('“&lt;b&gt;login&lt;/b&gt; page” is not a commit SHA (7 to 64 hexadecimal characters), a merge request reference (group/project!12) or a merge request URL.');
    expect(html).not.toContain('<b>login</b>');
    expect((await w.get('/-/duo/search?q=%00abcdefg')).status).toBe(400);
    expect((await w.get('/-/duo/search?q=!57')).status).toBe(400);
    // An empty box is the search form itself, and a cursor the service did not issue starts from the top.
    expect((await w.get('/-/duo/search')).status).toBe(200);
    expect((await w.get(`/-/duo/search?q=${TRAILER_SHA}&cursor=forged`)).status).toBe(200);
  });

  it("shows a user only her own sessions, and a visitor the sign-in page", async () => {
    await seedLinkedSession(t);
    const owner = ((await (await t.get('/api/v1/sessions/9137', await t.token('auditor'))).json()) as { session: { user: { username: string } } }).session.user.username;
    const other = await web(await t.token('user', owner === 'mchen' ? 'dwhitfield' : 'mchen'));
    expect(sessionsFound(await (await other.get(`/-/duo/search?q=${TRAILER_SHA}`)).text())).toEqual([]);
    const own = await web(await t.token('user', owner));
    expect(sessionsFound(await (await own.get(`/-/duo/search?q=${TRAILER_SHA}`)).text())).toEqual(['9137']);
    const visitor = await new WebClient(t.app).get(`/-/duo/search?q=${TRAILER_SHA}`);
    expect(visitor.status).toBe(302);
  });

  it('in Chromium: the header box takes a SHA or an MR URL and lists the session; a word is refused in words; holds at 768 px', async () => {
    await seedLinkedSession(t);
    const { page } = await site.newPage();
    await site.signIn(page, await t.token('auditor'));
    await page.fill('header form.search input[name=q]', TRAILER_SHA.slice(0, 8));
    await page.press('header form.search input[name=q]', 'Enter');
    await page.waitForURL(/\/-\/duo\/search\?q=defd29c1$/);
    await expect(page.locator('tbody tr a').allTextContents()).resolves.toEqual(['9137']);
    await page.fill('main input[name=q]', MR_URL);
    await page.click('text=Find sessions');
    await page.waitForURL(/merge_requests/);
    await expect(page.locator('h2').first().textContent()).resolves.toBe('Sessions linked to merge request acme-platform/payments-api!57');
    await expect(page.locator('tbody tr a').allTextContents()).resolves.toEqual(['9137']);
    await screenshot(page, 'search-1280');
    await page.setViewportSize({ width: 768, height: 900 });
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(768);
    await screenshot(page, 'search-768');
    await page.fill('header form.search input[name=q]', 'login page');
    await page.press('header form.search input[name=q]', 'Enter');
    await page.waitForURL(/q=login\+page/);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('is not a commit SHA');
  });
});
