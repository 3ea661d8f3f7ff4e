import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';
import { WebClient } from '../support/web.js';

describe('/admin/duo_agent_platform/streaming', () => {
  const t = useTestApp();

  it('lists each destination with its state in words, its lag and the reason it was paused (escaped)', async () => {
    const admin = await t.token('admin');
    const post = (body: unknown) => t.app.request('/api/v1/streaming-destinations', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const paused = (await (await post({ name: 'splunk <prod>', type: 'splunk_hec', url: 'https://splunk.example:8088', token: 'env:HEC' })).json()) as { id: string };
    await post({ name: 'qradar', type: 'syslog', url: 'syslog+tls://qradar.example:6514', filters: { types: ['duo_flow_started'] } });
    expect((await t.ingest([startedEvent('s-1', at(0)), startedEvent('s-2', at(1))])).status).toBe(202);
    await t.deps.sql`update streaming_destinations set paused_at = now(), paused_reason = ${'failing since 2026-03-10 14:00:00 UTC: <script>alert(1)</script>'}, failing_since = now() where id = ${paused.id}`;

    const web = new WebClient(t.app);
    expect((await web.signIn(admin)).status).toBe(303);
    const res = await web.get('/admin/duo_agent_platform/streaming');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('href="/admin/duo_agent_platform/streaming"');
    expect(html).toContain('splunk &lt;prod&gt;');
    expect(html).toContain('Splunk HTTP Event Collector');
    expect(html).toContain('Paused');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('token from $HEC');
    expect(html).toContain('types: duo_flow_started');
    expect(html).toMatch(/\d+ events, /);
    expect(html).toContain('Delivering');
  });

  it('tells an auditor in words that the page is for administrators', async () => {
    const web = new WebClient(t.app);
    await web.signIn(await t.token('auditor'));
    const res = await web.get('/admin/duo_agent_platform/streaming');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Streaming destinations are for administrators');
  });
});
