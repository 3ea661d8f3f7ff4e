import { describe, expect, it } from 'vitest';
import { demoEvents } from '../../src/demo/index.js';
import { useTestApp } from '../support/app.js';
import { screenshot, useBrowserSite } from '../support/browser.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';
import { WebClient } from '../support/web.js';

const DAY = 86_400_000;
const PEOPLE = [{ id: 1187, username: 'dwhitfield' }, { id: 2201, username: 'mchen' }, { id: 3305, username: 'apatel' }, { id: 4410, username: 'okafor' }];
const PROJECTS = [{ id: 4821, path: 'acme-platform/payments-api' }, { id: 4822, path: 'acme-platform/ledger' }, { id: 5100, path: 'acme-tools/ci/lint-rules' }];
const FLOWS = ['software_development', 'code_review', 'fix_pipeline', 'convert_to_gitlab_ci'];

/** Sessions over the last four weeks: a few a day, every status, tokens on most endings. */
function month(): Record<string, unknown>[] {
  const today = Math.floor(Date.now() / DAY) * DAY;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 120; i++) {
    const id = `m-${i}`;
    const start = today - (i % 28) * DAY + ((i * 37) % 20) * 3_600_000;
    if (start > Date.now() - 3_600_000) continue;
    const at = (m: number) => new Date(start + m * 60_000).toISOString();
    out.push(startedEvent(id, at(0), { user: PEOPLE[i % PEOPLE.length], project: PROJECTS[i % PROJECTS.length], flow_type: FLOWS[i % FLOWS.length] }));
    out.push(flowEvent('duo_flow_resource_created', id, at(5), { resource_type: 'MergeRequest', resource_id: 200 + i, action: 'created' }));
    if (i % 3 === 0) out.push(flowEvent('duo_flow_resource_created', id, at(6), { resource_type: 'Note', resource_id: `n-${i}`, action: 'created' }));
    const end = i % 10;
    if (end < 6) out.push(flowEvent('duo_flow_completed', id, at(20), { usage: { input_tokens: 20_000 + i * 311, output_tokens: 2_000 + i * 41 } }));
    else if (end < 8) out.push(flowEvent('duo_flow_failed', id, at(20), { error_category: 'tool_error', error_code: 'E1', error_message: 'lint failed', failed_at_step: 2, usage: { input_tokens: 9_000 } }));
    else if (end === 8) out.push(flowEvent('duo_flow_stopped', id, at(20)));
  }
  return out;
}

/** The page's table as lines of cells, as the CSV writes them. */
function tableLines(html: string): string[] {
  const body = /<table class="usage">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').replace(/,/g, '').replace(/^\((no project|not started|none)\)$/, '')).join(','));
}

describe('the usage page /-/duo/usage', () => {
  const t = useTestApp();
  const site = useBrowserSite(t);

  async function seed() {
    expect((await t.ingest(demoEvents())).status).toBe(202);
    expect((await t.ingest(month())).status).toBe(202);
  }

  it('shows auditors every session by group, project, person and flow type; the CSV link exports exactly the table', async () => {
    await seed();
    const web = new WebClient(t.app);
    expect((await web.signIn(await t.token('auditor'))).status).toBe(303);
    for (const groupBy of ['group', 'project', 'user', 'flow_type']) {
      const res = await web.get(`/-/duo/usage?group_by=${groupBy}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toMatch(/<svg class="chart"[^>]*aria-label="sessions started: \d+ in 30 days/);
      expect(html).toContain('<ul class="legend">');
      const link = /<a class="button" href="([^"]+)" download="">Export CSV<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      expect(link).toMatch(new RegExp(`^/-/duo/usage\\?from=\\d{4}-\\d\\d-\\d\\d&to=\\d{4}-\\d\\d-\\d\\d&group_by=${groupBy}&format=csv$`));
      const csv = await web.get(link!);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (await csv.text()).split('\r\n').filter((l) => l !== '');
      expect(lines[0]!.startsWith(`${groupBy},sessions,completed,failed`)).toBe(true);
      const rows = tableLines(html);
      expect(rows.length).toBeGreaterThan(1);
      expect(lines.slice(1)).toEqual(rows);
      // The page's figures are the API's for the same days.
      const from = /from=([\d-]+)/.exec(link!)![1]!;
      const to = /to=([\d-]+)/.exec(link!)![1]!;
      const api = await (await t.get(`/api/v1/usage?from=${from}&to=${new Date(Date.parse(to) + DAY).toISOString()}&group_by=${groupBy}&format=csv`, await t.token('auditor'))).text();
      expect(api.split('\r\n').filter((l) => l !== '')).toEqual(lines);
    }
  });

  it("shows a user only their own sessions' figures, in the page and its CSV", async () => {
    await seed();
    const web = new WebClient(t.app);
    expect((await web.signIn(await t.token('user', 'mchen'))).status).toBe(303);
    const html = await (await web.get('/-/duo/usage?group_by=user')).text();
    expect(html).toContain('Your own sessions');
    expect(tableLines(html).map((l) => l.split(',')[0])).toEqual(['mchen']);
    const csv = await (await web.get('/-/duo/usage?group_by=user&format=csv')).text();
    expect(csv).not.toMatch(/dwhitfield|apatel|okafor/);
  });

  it.each([
    ['from=03/01/2026', /from: must be a date, YYYY-MM-DD/],
    ['from=2026-03-10&to=2026-03-01', /From \(2026-03-10\) must not be after To \(2026-03-01\)/],
    ['from=2024-01-01&to=2026-01-01', /at most 366 days apart/],
    ['group_by=team', /group_by: must be one of group, project, user, flow_type/],
    ['since=2026-01-01', /unknown parameter: since/],
  ])('answers %s with 400 and the reason in words', async (query, message) => {
    const web = new WebClient(t.app);
    await web.signIn(await t.token('admin'));
    const res = await web.get(`/-/duo/usage?${query}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(message);
    const csv = await web.get(`/-/duo/usage?${query}&format=csv`);
    expect(csv.status).toBe(400);
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const res = await t.app.request('/-/duo/usage?group_by=user');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/-/sign_in?return_to=%2F-%2Fduo%2Fusage%3Fgroup_by%3Duser');
  });

  it('in Chromium at 1280 and 768 px: the chart, legend and table hold without horizontal overflow, and the nav leads there', async () => {
    await seed();
    const { context, page } = await site.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await site.signIn(page, await t.token('admin'));
    await page.click('header nav >> text=Usage');
    await page.waitForURL(`${site.url}/-/duo/usage`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Usage of Duo Agent Platform flows');
    await expect(page.locator('svg.chart g.day').count()).resolves.toBe(30);
    await expect(page.locator('ul.legend li').count()).resolves.toBe(6);
    await page.selectOption('select[name=group_by]', 'user');
    await page.click('text=Show');
    await page.waitForURL(/group_by=user/);
    await expect(page.locator('table.usage tbody tr').count()).resolves.toBeGreaterThanOrEqual(PEOPLE.length);
    for (const width of [1280, 768]) {
      await page.setViewportSize({ width, height: 900 });
      await expect(page.evaluate(() => document.documentElement.scrollWidth), `${width} px`).resolves.toBeLessThanOrEqual(width);
      await screenshot(page, `usage-${width}`);
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
