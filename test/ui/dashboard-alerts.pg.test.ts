import { describe, expect, it } from 'vitest';
import { demoEvents } from '../../src/demo/index.js';
import { useTestApp } from '../support/app.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';
import { WebClient } from '../support/web.js';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const PATH = '/admin/duo_agent_platform/audit';

describe("the dashboard's alerts follow its filter and fold repeats", () => {
  const t = useTestApp();

  async function dashboard(query: string): Promise<string> {
    const w = new WebClient(t.app);
    expect((await w.signIn(await t.token('auditor'))).status).toBe(303);
    const res = await w.get(`${PATH}${query}`);
    expect(res.status).toBe(200);
    return res.text();
  }
  const alertRows = (html: string) => [...html.matchAll(/<tr class="alert-row">([\s\S]*?)<\/tr>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());

  it('shows a person only the alerts of her sessions, in words, with three repeats as one row', async () => {
    expect((await t.ingest(demoEvents())).status).toBe(202);
    // Three resumes without a pause in one of dwhitfield's sessions: three violations of one rule.
    expect((await t.ingest([
      startedEvent('s-repeats', ago(40)),
      flowEvent('duo_flow_resumed', 's-repeats', ago(39)),
      flowEvent('duo_flow_resumed', 's-repeats', ago(38)),
      flowEvent('duo_flow_resumed', 's-repeats', ago(37)),
    ])).status).toBe(202);
    await t.deps.integrator.integrate();

    const all = alertRows(await dashboard(''));
    expect(all).toContainEqual(expect.stringMatching(/^3 × Lifecycle violation Resumed without a pause \(resumed\) s-repeats – /));
    expect(all).toContainEqual(expect.stringMatching(/^Lifecycle violation Resumed without a pause \(resumed\) demo-1005 – /));
    expect(all.join('\n')).not.toContain('resumed_without_pause');

    const dana = await dashboard('?user=dwhitfield');
    expect(alertRows(dana)).toEqual([expect.stringMatching(/^3 × Lifecycle violation .* s-repeats /)]);
    expect(dana).toMatch(/<span class="n">3<\/span>Lifecycle violation/);
    const mei = alertRows(await dashboard('?user=mchen'));
    // demo-1005 resumed without a pause, and logged a decision after it completed.
    expect(mei).toEqual([
      expect.stringMatching(/^Lifecycle violation Event after the session ended \(decision\) demo-1005 /),
      expect.stringMatching(/^Lifecycle violation Resumed without a pause \(resumed\) demo-1005 /),
    ]);
    expect(alertRows(await dashboard('?project=acme-web/storefront'))).toEqual(mei);
    expect(alertRows(await dashboard('?flow_type=code_review'))).toEqual([]);
    expect(await dashboard('?flow_type=code_review')).toContain('No alerts for these filters in this window');
  });
});
