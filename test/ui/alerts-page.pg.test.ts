import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/events.js';
import { recordEvents } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { screenshot, useBrowserSite } from '../support/browser.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { csrfOf, WebClient } from '../support/web.js';

const PATH = '/admin/duo_agent_platform/alerts';
const HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
/** A session id with markup: ingest refuses one, so it can only come from inside (a detector naming what it saw). */
const MARKUP_SESSION = '"><img src=x onerror="window.__pwned=3">';

describe('the alerts page', () => {
  const t = useTestApp();
  type Alert = { id: number; type: string; state: string; handled_by: string | null; reason: string | null; session_id: string | null };
  const apiAlerts = async (query = '?state=all') => ((await (await t.get(`/api/v1/alerts${query}`, await t.token('admin'))).json()) as { alerts: Alert[] }).alerts;

  /** Two lifecycle violations of session al-1 (resume without pause, event after the end), and a forged reference with markup everywhere. */
  async function seed(): Promise<void> {
    expect((await t.ingest([
      startedEvent('al-1', at(0)),
      flowEvent('duo_flow_resumed', 'al-1', at(1)),
      flowEvent('duo_flow_completed', 'al-1', at(2)),
      flowEvent('duo_flow_decision_logged', 'al-1', at(3), { step: 9, decision: 'late' }),
    ])).status).toBe(202);
    const forged: NewEvent = {
      eventId: randomUUID(), type: 'duo_flow_unknown_session_reference', sessionId: MARKUP_SESSION, occurredAt: at(4), source: 'system',
      projectPath: 'acme/<b>web</b>', data: { reference: HOSTILE, reason: 'no such session' },
    };
    await recordEvents(t.deps.sql, [forged]);
    await t.deps.integrator.integrate();
  }

  it('shows the alerts in words, lets an auditor acknowledge and resolve them through CSRF-checked forms, and refuses the others', async () => {
    await seed();
    const alerts = await apiAlerts();
    expect(alerts).toHaveLength(3);
    const violation = alerts.find((a) => a.type === 'duo_flow_lifecycle_violation')!;
    const forged = alerts.find((a) => a.type === 'duo_flow_unknown_session_reference')!;

    const auditor = new WebClient(t.app);
    await auditor.signIn(await t.token('auditor'));
    const page = await auditor.get(PATH);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csrf = csrfOf(html);
    expect(html).toContain('Lifecycle violation');
    expect(html).toContain('Forged trailer (names an unknown session)');
    expect(html).toContain('href="/-/duo/sessions/al-1"');
    expect(html).toContain('acme-platform/payments-api');
    expect(html).toContain('dwhitfield');
    expect(html).toMatch(/<time datetime="2026-03-10T14:0\d:00.000Z"[^>]*>[^<]+ago<\/time> <span class="muted">\(2026-03-10 14:0\d UTC\)<\/span>/);
    expect(html.replace(/<[^>]*>/g, ' ')).not.toContain('duo_flow_');
    // Markup from the log is text: no tag of it survives, in the detail, the session link or the project.
    expect(html).not.toContain('<script>window');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>web</b>');
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(html).toContain(`href="/-/duo/sessions/${encodeURIComponent(MARKUP_SESSION)}"`);
    expect((html.match(/action="\/admin\/duo_agent_platform\/alerts\/\d+\/acknowledge"/g) ?? []).length).toBe(3);

    // Another site's form, or one without the page's token, changes nothing.
    const ack = `${PATH}/${violation.id}/acknowledge`;
    expect((await auditor.post(ack, { _csrf: csrf, reason: 'x' }, 'https://evil.example')).status).toBe(403);
    expect((await auditor.post(ack, { reason: 'x' })).status).toBe(403);
    expect((await auditor.post(ack, { _csrf: 'forged', reason: 'x' })).status).toBe(403);
    // A reason is required; an alert that is not one, or no number, is said in words.
    const empty = await auditor.post(ack, { _csrf: csrf, reason: '   ', return_to: `${PATH}?state=all` });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain(`Alert #${violation.id} was not acknowledged: say why`);
    const [started] = await t.deps.sql`select seq::int as seq from audit_events where type = 'duo_flow_started'`;
    const notAlert = await auditor.post(`${PATH}/${started!.seq}/acknowledge`, { _csrf: csrf, reason: 'x' });
    expect(notAlert.status).toBe(404);
    expect(await notAlert.text()).toContain(`there is no alert at log position ${started!.seq}`);
    expect((await auditor.post(`${PATH}/abc/acknowledge`, { _csrf: csrf, reason: 'x' })).status).toBe(404);
    expect((await apiAlerts()).every((a) => a.state === 'open')).toBe(true);

    // Acknowledged with a hostile reason, back to where the form was (never another site), with a flash.
    const done = await auditor.post(ack, { _csrf: csrf, reason: HOSTILE, return_to: `${PATH}?state=all&type=duo_flow_lifecycle_violation` });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${PATH}?state=all&type=duo_flow_lifecycle_violation&done=acknowledged&alert=${violation.id}#alert-${violation.id}`);
    const after = await (await auditor.get(`${PATH}?state=all&type=duo_flow_lifecycle_violation&done=acknowledged&alert=${violation.id}`)).text();
    expect(after).toContain(`Alert #${violation.id} acknowledged.`);
    expect(after).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(after).not.toContain('<script>window');
    expect(after).not.toContain(`id="alert-${forged.id}"`);
    const offsite = await auditor.post(`${PATH}/${forged.id}/acknowledge`, { _csrf: csrf, reason: 'looking', return_to: '//evil.example/x' });
    expect(offsite.headers.get('location')).toBe(`${PATH}?done=acknowledged&alert=${forged.id}#alert-${forged.id}`);

    // Twice is a conflict said in words, not an error page.
    const again = await auditor.post(ack, { _csrf: csrf, reason: 'again', return_to: `${PATH}?state=acknowledged` });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(new RegExp(`Alert #${violation.id} was not acknowledged: alert ${violation.id} is already acknowledged \\(\\d{4}-.*Z by test auditor `));
    expect((await auditor.post(`${PATH}/${violation.id}/resolve`, { _csrf: csrf, reason: 'Expected: agent restarted' })).status).toBe(303);
    const resolvedAgain = await auditor.post(`${PATH}/${violation.id}/resolve`, { _csrf: csrf, reason: 'again' });
    expect(resolvedAgain.status).toBe(409);
    expect(await resolvedAgain.text()).toContain('is already resolved');

    // Filters: by state (open is the default), by type; a bad one is said in words.
    const open = await (await auditor.get(PATH)).text();
    expect((open.match(/<li class="alert-item s-open"/g) ?? []).length).toBe(1);
    const resolved = await (await auditor.get(`${PATH}?state=resolved`)).text();
    expect(resolved).toMatch(/<li class="alert-item s-resolved" id="alert-\d+">/);
    expect(resolved).toContain('Expected: agent restarted');
    expect(resolved).not.toContain(`action="${PATH}/${violation.id}/resolve"`);
    const bad = await auditor.get(`${PATH}?state=closed&type=duo_flow_started`);
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    expect(badText).toContain('Filters not applied: state must be open, acknowledged, resolved or all; type must be an alert type');

    // A role without read_all sees neither the page nor a form, and its forged POST is refused.
    const user = new WebClient(t.app);
    await user.signIn(await t.token('user', 'dwhitfield'));
    const userPage = await user.get(PATH);
    expect(userPage.status).toBe(403);
    expect(await userPage.text()).not.toContain('acknowledge"');
    const userCsrf = csrfOf(await (await user.get('/-/duo/sessions')).text());
    const forgedPost = await user.post(`${PATH}/${forged.id}/resolve`, { _csrf: userCsrf, reason: 'mine now' });
    expect(forgedPost.status).toBe(403);
    expect(await forgedPost.text()).toContain('Acknowledging and resolving alerts is for auditors and administrators; you are signed in as user.');
    expect((await apiAlerts()).find((a) => a.id === forged.id)!.state).toBe('acknowledged');
    // Signed out: to the sign-in page, nothing recorded.
    const anonymous = new WebClient(t.app);
    expect((await anonymous.post(`${PATH}/${forged.id}/resolve`, { reason: 'x' })).status).toBe(303);

    await t.deps.integrator.integrate();
    const steps = (await t.deps.sql`select type, leaf from audit_events where type in ('alert_acknowledged', 'alert_resolved') order by seq`)
      .map((r) => [r.type, (JSON.parse(r.leaf as string).data as { alert_seq: number }).alert_seq]);
    expect(steps).toEqual([['alert_acknowledged', violation.id], ['alert_acknowledged', forged.id], ['alert_resolved', violation.id]]);
  });

  it('pages 25 alerts at a time, newest first, and links the dashboard counts to the page by type', async () => {
    const many: NewEvent[] = Array.from({ length: 27 }, (_, i) => ({
      eventId: randomUUID(), type: 'duo_flow_untraced_agent_commit', sessionId: null, occurredAt: at(10, i), source: 'system',
      projectPath: 'acme/web', data: { sha: i.toString(16).padStart(40, 'c'), reason: 'no trailer' },
    }));
    await recordEvents(t.deps.sql, many);
    await t.deps.integrator.integrate();
    const admin = new WebClient(t.app);
    await admin.signIn(await t.token('admin'));
    const first = await (await admin.get(`${PATH}?type=duo_flow_untraced_agent_commit`)).text();
    const ids = (html: string) => [...html.matchAll(/id="alert-(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids(first)).toHaveLength(25);
    expect(ids(first)).toEqual([...ids(first)].sort((a, b) => b - a));
    const next = /href="([^"]*before=\d+[^"]*)"/.exec(first)![1]!.replace(/&amp;/g, '&');
    const second = ids(await (await admin.get(next)).text());
    expect(second).toHaveLength(2);
    expect(Math.max(...second)).toBeLessThan(Math.min(...ids(first)));
    const dashboard = await (await admin.get('/admin/duo_agent_platform/audit?from=2026-03-01&to=2026-03-31')).text();
    expect(dashboard).toContain(`href="${PATH}?state=all&amp;type=duo_flow_untraced_agent_commit"`);
    expect(dashboard).toContain(`<a href="${PATH}">Alerts</a>`);
  });

  describe('in Chromium', () => {
    const chromium = useBrowserSite(t);

    it('an auditor acknowledges then resolves an alert through the page; the API and the log agree; markup stays inert; 768 px holds', { timeout: 120_000 }, async () => {
      await seed();
      const violation = (await apiAlerts('?state=all&type=duo_flow_lifecycle_violation'))[0]!;
      const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
      await page.goto(`${chromium.url}/-/sign_in`);
      await page.fill('#token', await t.token('auditor'));
      await Promise.all([page.waitForURL(/\/-\/duo\/sessions/), page.click('button[type=submit]')]);
      await page.click('header nav a:text-is("Alerts")');
      await page.waitForURL(`${chromium.url}${PATH}`);
      const item = page.locator(`#alert-${violation.id}`);
      await expect(item.locator('h3').textContent()).resolves.toContain('Lifecycle violation');
      await item.locator('form[action$="/acknowledge"] input[name=reason]').fill('Asking dwhitfield why the agent resumed');
      await Promise.all([page.waitForURL(/done=acknowledged/), item.locator('button:text-is("Acknowledge")').click()]);
      await expect(page.locator('[role=status]').textContent()).resolves.toBe(`Alert #${violation.id} acknowledged.`);
      await page.click('nav.tabs a:has-text("Acknowledged")');
      await expect(page.locator(`#alert-${violation.id} .state`).textContent()).resolves.toMatch(/^Acknowledged by test auditor [0-9a-f-]+ .+ \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): Asking dwhitfield why the agent resumed$/);
      expect((await apiAlerts('?state=acknowledged')).map((a) => [a.id, a.reason])).toEqual([[violation.id, 'Asking dwhitfield why the agent resumed']]);
      await page.locator(`#alert-${violation.id} form[action$="/resolve"] input[name=reason]`).fill('Expected: GitLab restarted the agent');
      await Promise.all([page.waitForURL(/done=resolved/), page.locator(`#alert-${violation.id} button:text-is("Resolve")`).click()]);
      await expect(page.locator('[role=status]').textContent()).resolves.toBe(`Alert #${violation.id} resolved.`);
      expect((await apiAlerts('?state=resolved')).map((a) => [a.id, a.reason])).toEqual([[violation.id, 'Expected: GitLab restarted the agent']]);
      await t.deps.integrator.integrate();
      const types = (await t.deps.sql`select type from audit_events where type in ('alert_acknowledged', 'alert_resolved') order by seq`).map((r) => r.type);
      expect(types).toEqual(['alert_acknowledged', 'alert_resolved']);

      // The forged reference's markup is text on the page, and nothing of it ran.
      await page.goto(`${chromium.url}${PATH}?state=all`);
      await expect(page.locator('main').textContent()).resolves.toContain(HOSTILE);
      await expect(page.locator('main img, main script, main b').count()).resolves.toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      for (const width of [1280, 768]) {
        await page.setViewportSize({ width, height: 900 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `overflows at ${width} px`).toBeLessThanOrEqual(width);
        await screenshot(page, `alerts-${width}`);
      }
      await context.close();
    });
  });
});
