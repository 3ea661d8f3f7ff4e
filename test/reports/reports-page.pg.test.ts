import { describe, expect, it } from 'vitest';
import { recordEvents } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { csrfOf, WebClient } from '../support/web.js';
import { generateHistory, PERIOD } from './history.js';

describe('the evidence packs page', () => {
  const t = useTestApp();

  it('lets an auditor pick a framework and period and download the pack, and says what is wrong in words', async () => {
    const h = generateHistory({ sessions: 4, untraced: 1, unknown: 0 });
    expect((await t.ingest(h.flowEvents)).status).toBe(202);
    await recordEvents(t.deps.sql, h.systemEvents);
    await t.deps.integrator.integrate();
    const web = new WebClient(t.app);
    expect((await web.signIn(await t.token('auditor'))).status).toBe(303);
    const page = await web.get('/admin/duo_agent_platform/reports');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<a href="/admin/duo_agent_platform/reports">Reports</a>');
    expect(html).toContain('NIST SP 800-53 Rev. 5 / FedRAMP');
    expect(html).toContain('No pack kept yet');
    const csrf = csrfOf(html);
    const res = await web.post('/admin/duo_agent_platform/reports/download', { framework: 'soc2', from: PERIOD.from, to: PERIOD.to, format: 'html', _csrf: csrf });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="flowtrail-soc2-2026-03-01-2026-04-01.html"');
    expect(await res.text()).toMatch(/CC8\.1: Change management[\s\S]*?not-satisfied/);
    const bad = await web.post('/admin/duo_agent_platform/reports/download', { framework: 'soc2', from: PERIOD.to, to: PERIOD.from, format: 'html', _csrf: csrf });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('from must be before to');
    const forged = await web.post('/admin/duo_agent_platform/reports/download', { framework: 'soc2', from: PERIOD.from, to: PERIOD.to, format: 'html', _csrf: 'nope' });
    expect(forged.status).toBe(403);
    const recorded = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from intake`;
    expect(recorded[0]!.n + (await t.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_events where type = 'evidence_pack_generated'`)[0]!.n).toBe(1);
  });
});
