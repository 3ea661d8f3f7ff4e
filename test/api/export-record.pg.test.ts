import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';

type Recorded = { data: { format: string; channel: string; filters: Record<string, string>; actor: { role: string; username: string | null } } };

describe('the audit record of an export names the filter it used', () => {
  const t = useTestApp();
  const records = async (): Promise<Recorded[]> => {
    await t.deps.integrator.integrate();
    const res = await t.get('/api/v1/audit-events?type=audit_export_performed&order=asc', await t.token('auditor'));
    expect(res.status).toBe(200);
    return ((await res.json()) as { events: Recorded[] }).events;
  };

  it('records every query parameter that selected the events, under its own name', async () => {
    await t.ingest([startedEvent('x1', at(0), { user: { id: 5, username: 'mchen' }, flow_type: 'code_review' })]);
    const query = 'format=csv&from=2026-03-01T00:00:00Z&to=2026-03-31&project=acme/web&user=mchen&flow_type=code_review&session_id=x1&type=duo_flow_started';
    const res = await t.get(`/api/v1/export?${query}`, await t.token('auditor'));
    expect(res.status).toBe(200);
    await res.text();
    const [record] = await records();
    expect(record!.data).toMatchObject({ format: 'csv', channel: 'api', actor: { role: 'auditor' } });
    expect(record!.data.filters).toEqual({
      from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', project: 'acme/web', user: 'mchen',
      flow_type: 'code_review', session_id: 'x1', type: 'duo_flow_started',
    });
  });

  it('records the pin of a user token, the filter of a bundle, and no secret pasted into a filter', async () => {
    const own = await (await t.get('/api/v1/export?format=ndjson', await t.token('user', 'mchen'))).text();
    expect(own).toBe('');
    const secret = 'glpat-Xq7vB2nL9kR4mT1wZ8pC';
    await (await t.get(`/api/v1/export?project=${secret}`, await t.token('auditor'))).text();
    await t.ingest([startedEvent('x2', at(0))]);
    await t.deps.integrator.integrate();
    expect((await t.app.request('/api/v1/integrity/checkpoint', { method: 'POST', headers: { authorization: `Bearer ${await t.token('admin')}` } })).status).toBe(200);
    const bundle = await t.get('/api/v1/export?bundle=true&session_id=x2', await t.token('auditor'));
    expect(bundle.status).toBe(200);
    const [pinned, pasted, bundled] = await records();
    expect(pinned!.data).toMatchObject({ format: 'ndjson', filters: { owner: 'mchen' }, actor: { role: 'user', username: 'mchen' } });
    expect(JSON.stringify(pasted)).not.toContain(secret);
    expect(Object.keys(pasted!.data.filters)).toEqual(['project']);
    expect(bundled!.data).toMatchObject({ format: 'bundle', filters: { session_id: 'x2' } });
  });
});
