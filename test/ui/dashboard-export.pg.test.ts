import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoEvents } from '../../src/demo/index.js';
import { useTestApp } from '../support/app.js';
import { useBrowserSite } from '../support/browser.js';
import { WebClient } from '../support/web.js';

const PATH = '/admin/duo_agent_platform/audit';
const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);

/** Each filter of the dashboard, alone and together. */
const FILTERS: Record<string, string>[] = [
  {},
  { user: 'mchen' },
  { project: 'acme-web/storefront' },
  { flow_type: 'software_development' },
  { type: 'duo_flow_started' },
  { type: 'user_signed_in' },
  { from: today },
  { from: yesterday, to: yesterday },
  { user: 'dwhitfield', type: 'duo_flow_resource_created', from: threeDaysAgo },
  { project: 'acme-platform/payments-api', flow_type: 'software_development', to: today },
  { status: 'completed', user: 'mchen' },
];

describe('the dashboard exports exactly the events it lists (Chromium)', () => {
  const t = useTestApp();
  const site = useBrowserSite(t);

  /** Every log position the page lists for a filter, following "Older events" to the end. */
  async function listed(page: Page, query: Record<string, string>): Promise<number[]> {
    await page.goto(`${site.url}${PATH}?${new URLSearchParams(query).toString()}`);
    const seqs: number[] = [];
    for (;;) {
      seqs.push(...(await page.locator('table.events tbody tr td:first-child').allTextContents()).map(Number));
      const older = page.locator('a:has-text("Older events")');
      if ((await older.count()) === 0) return seqs;
      await Promise.all([page.waitForNavigation(), older.click()]);
    }
  }

  async function download(page: Page, format: 'CSV' | 'NDJSON'): Promise<string> {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(`form.export button:has-text("${format}")`)]);
    return readFileSync((await d.path())!, 'utf8');
  }

  it('for every filter, the CSV and NDJSON hold the same events as the page, and nothing else', async () => {
    expect((await t.ingest(demoEvents())).status).toBe(202);
    // Session-less events naming a person: her sign-in.
    expect((await new WebClient(t.app).signIn(await t.token('user', 'mchen'))).status).toBe(303);
    await t.deps.integrator.integrate();
    const { page } = await site.newPage({ acceptDownloads: true });
    await site.signIn(page, await t.token('auditor'));
    await t.deps.integrator.integrate();

    const sizes: number[] = [];
    for (const query of FILTERS) {
      await t.deps.integrator.integrate();
      const shown = await listed(page, query);
      // Going back to the first page: the export buttons carry the filter, never the page's position.
      await page.goto(`${site.url}${PATH}?${new URLSearchParams(query).toString()}`);
      const newest = Math.max(-1, ...((await (await t.get('/api/v1/audit-events?limit=1', await t.token('auditor'))).json()) as { events: { seq: number }[] }).events.map((e) => e.seq));
      const csv = (await download(page, 'CSV')).split('\r\n').filter((l) => l !== '');
      expect(csv[0]).toMatch(/^seq,event_id,type,/);
      const ndjson = (await download(page, 'NDJSON')).trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { seq: number });
      // Only the exports' own records (made after the page was read) may be new.
      const csvSeqs = csv.slice(1).map((l) => Number(l.split(',')[0])).filter((s) => s <= newest);
      const ndSeqs = ndjson.map((e) => e.seq).filter((s) => s <= newest);
      const label = JSON.stringify(query);
      expect([...csvSeqs].sort((a, b) => a - b), label).toEqual([...shown].sort((a, b) => a - b));
      expect([...ndSeqs].sort((a, b) => a - b), label).toEqual([...shown].sort((a, b) => a - b));
      sizes.push(shown.length);
    }
    // Every filter selects some events, most fewer than all (the exports' own records, made now, count for "from today").
    expect(sizes[0]).toBeGreaterThan(20);
    expect(sizes.filter((n) => n === 0)).toEqual([]);
    expect(sizes.filter((n) => n < sizes[0]!).length).toBeGreaterThanOrEqual(FILTERS.length - 3);
  });
});
