import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { screenshot, useBrowserSite } from '../support/browser.js';
import { at, startedEvent } from '../support/flow-events.js';
import { csrfOf, WebClient } from '../support/web.js';

const PATH = '/admin/duo_agent_platform/legal_holds';

describe('the legal holds page', () => {
  const t = useTestApp();

  it('lets an administrator place and release a hold through its forms, shows the hold on the session page, and refuses the others', async () => {
    expect((await t.ingest([startedEvent('held-1', at(0))])).status).toBe(202);
    const admin = new WebClient(t.app);
    await admin.signIn(await t.token('admin'));
    const page = await admin.get(PATH);
    expect(page.status).toBe(200);
    const csrf = csrfOf(await page.text());
    // A form from another site, or without the page's token, places nothing.
    expect((await admin.post(PATH, { _csrf: csrf, scope: 'session', value: 'held-1', reason: 'x' }, 'https://evil.example')).status).toBe(403);
    expect((await admin.post(PATH, { _csrf: 'wrong', scope: 'session', value: 'held-1', reason: 'x' })).status).toBe(403);
    const bad = await admin.post(PATH, { _csrf: csrf, scope: 'session', value: 'held 1', reason: '' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('The hold was not placed');
    const placed = await admin.post(PATH, { _csrf: csrf, scope: 'project', value: 'acme-platform/payments-api', reason: 'Matter <b>2026-17</b>' });
    expect(placed.status).toBe(303);
    const id = /placed=(\d+)/.exec(placed.headers.get('location')!)![1]!;
    const listed = await (await admin.get(`${PATH}?placed=${id}`)).text();
    expect(listed).toContain(`Placed legal hold #${id}.`);
    expect(listed).toContain('Matter &lt;b&gt;2026-17&lt;/b&gt;');
    const session = await (await admin.get('/-/duo/sessions/held-1')).text();
    expect(session).toMatch(/Legal hold.*#\d+.*acme-platform\/payments-api/s);

    // An auditor reads the page but has no forms, and cannot post them.
    const auditor = new WebClient(t.app);
    await auditor.signIn(await t.token('auditor'));
    const seen = await auditor.get(PATH);
    expect(seen.status).toBe(200);
    const auditorHtml = await seen.text();
    expect(auditorHtml).not.toContain('Place hold');
    expect((await auditor.post(`${PATH}/${id}/release`, { _csrf: csrfOf(auditorHtml), reason: 'no' })).status).toBe(403);
    const user = new WebClient(t.app);
    await user.signIn(await t.token('user', 'dwhitfield'));
    expect((await user.get(PATH)).status).toBe(403);

    const released = await admin.post(`${PATH}/${id}/release`, { _csrf: csrf, reason: 'Matter closed' });
    expect(released.status).toBe(303);
    expect((await admin.post(`${PATH}/${id}/release`, { _csrf: csrf, reason: 'again' })).status).toBe(400);
    expect(await (await admin.get('/-/duo/sessions/held-1')).text()).not.toContain('Legal hold');
    await t.deps.integrator.integrate();
    const types = (await t.deps.sql`select type from audit_events where type like 'legal_hold%' order by seq`).map((r) => r.type);
    expect(types).toEqual(['legal_hold_placed', 'legal_hold_released']);
  });

  describe('in Chromium', () => {
    const site = useBrowserSite(t);

    it('places a hold from the form and holds its layout at 1280 and 768 px', async () => {
      expect((await t.ingest([startedEvent('held-2', at(0))])).status).toBe(202);
      await t.deps.sql`select flowtrail_set_retention_rule('project', 'acme-platform/payments-api', 730, 'test')`;
      const { context, page } = await site.newPage();
      await page.goto(`${site.url}/-/sign_in`);
      await page.fill('#token', await t.token('admin'));
      await Promise.all([page.waitForURL(/\/-\/duo\/sessions/), page.click('button[type=submit]')]);
      await page.goto(`${site.url}${PATH}`);
      await page.selectOption('select[name=scope]', 'user');
      await page.fill('input[name=value]', 'dwhitfield');
      await page.fill('form.filters input[name=reason]', 'Litigation hold, matter 2026-17');
      await Promise.all([page.waitForURL(/placed=/), page.click('text=Place hold')]);
      expect(await page.textContent('main')).toContain('Everything initiated by dwhitfield');
      for (const width of [1280, 768]) {
        await page.setViewportSize({ width, height: 900 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await screenshot(page, `legal-holds-${width}`);
      }
      await context.close();
    });
  });
});
