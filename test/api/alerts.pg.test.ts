import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

describe('alerts: GET /api/v1/alerts, POST /api/v1/alerts/:id/acknowledge and /resolve', () => {
  const t = useTestApp();
  const post = (path: string, token: string, body: unknown) =>
    t.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  type Listed = { alerts: { id: number; type: string; state: string; handled_by: string | null; reason: string | null; session_id: string | null }[]; next_before: number | null };
  const list = async (token: string, query = '') => (await (await t.get(`/api/v1/alerts${query}`, token)).json()) as Listed;

  /** Two lifecycle violations: a resume without a pause, and an event after the end. */
  const seed = async () => {
    await t.ingest([
      startedEvent('al-1', at(0)),
      flowEvent('duo_flow_resumed', 'al-1', at(1)),
      flowEvent('duo_flow_completed', 'al-1', at(2)),
      flowEvent('duo_flow_decision_logged', 'al-1', at(3), { step: 9, decision: 'late' }),
    ]);
    await t.deps.integrator.integrate();
  };

  it('lists alerts with their state, and moves one from open to acknowledged to resolved, each step recorded with who and why', async () => {
    await seed();
    const auditor = await t.token('auditor');
    const open = await list(auditor);
    expect(open.alerts.length).toBeGreaterThanOrEqual(2);
    expect(open.alerts.every((a) => a.state === 'open' && a.type === 'duo_flow_lifecycle_violation' && a.session_id === 'al-1')).toBe(true);
    const id = open.alerts[0]!.id;
    const ack = await post(`/api/v1/alerts/${id}/acknowledge`, auditor, { reason: 'Checking with dana@example.test' });
    expect(ack.status).toBe(200);
    const acked = (await ack.json()) as Listed['alerts'][number];
    expect(acked).toMatchObject({ id, state: 'acknowledged' });
    expect(acked.reason).not.toContain('dana@example.test');
    expect((await post(`/api/v1/alerts/${id}/acknowledge`, auditor, { reason: 'again' })).status).toBe(409);
    expect((await list(auditor)).alerts.map((a) => a.id)).not.toContain(id);
    expect((await list(auditor, '?state=acknowledged')).alerts.map((a) => a.id)).toEqual([id]);
    expect((await post(`/api/v1/alerts/${id}/resolve`, await t.token('admin'), { reason: 'Agent restarted by GitLab; expected' })).status).toBe(200);
    expect((await post(`/api/v1/alerts/${id}/resolve`, auditor, { reason: 'again' })).status).toBe(409);
    expect((await list(auditor, '?state=resolved')).alerts).toEqual([expect.objectContaining({ id, state: 'resolved', reason: 'Agent restarted by GitLab; expected' })]);
    await t.deps.integrator.integrate();
    const steps = (await t.deps.sql`select type, leaf from audit_events where type in ('alert_acknowledged', 'alert_resolved') order by seq`)
      .map((r) => [r.type, (JSON.parse(r.leaf as string).data as { alert_seq: number }).alert_seq]);
    expect(steps).toEqual([['alert_acknowledged', id], ['alert_resolved', id]]);
    // Paging by log position.
    const first = await list(auditor, '?state=all&limit=1');
    expect(first.alerts).toHaveLength(1);
    expect(first.next_before).toBe(first.alerts[0]!.id);
    expect((await list(auditor, `?state=all&limit=1&before=${first.next_before}`)).alerts[0]!.id).toBeLessThan(first.alerts[0]!.id);
  });

  it('refuses what is not an alert, a missing reason, bad queries and the roles that may not', async () => {
    await seed();
    const admin = await t.token('admin');
    const [started] = await t.deps.sql`select seq from audit_events where type = 'duo_flow_started'`;
    expect((await post(`/api/v1/alerts/${started!.seq}/acknowledge`, admin, { reason: 'x' })).status).toBe(404);
    expect((await post('/api/v1/alerts/abc/acknowledge', admin, { reason: 'x' })).status).toBe(400);
    const id = (await list(admin)).alerts[0]!.id;
    for (const body of ['not json', {}, { reason: '  ' }, { reason: 'x', more: 1 }]) {
      expect((await post(`/api/v1/alerts/${id}/acknowledge`, admin, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.get('/api/v1/alerts?state=closed', admin)).status).toBe(400);
    expect((await t.get('/api/v1/alerts?limit=0', admin)).status).toBe(400);
    expect((await t.get('/api/v1/alerts?colour=red', admin)).status).toBe(400);
    for (const role of ['user', 'ingest'] as const) {
      const tok = await t.token(role, role === 'user' ? 'dwhitfield' : undefined);
      expect((await t.get('/api/v1/alerts', tok)).status, role).toBe(403);
      expect((await post(`/api/v1/alerts/${id}/acknowledge`, tok, { reason: 'x' })).status, role).toBe(403);
    }
    await expect(t.deps.sql`update alert_actions set reason = 'rewritten'`).resolves.toBeDefined(); // no rows yet: nothing to refuse
    await post(`/api/v1/alerts/${id}/acknowledge`, admin, { reason: 'seen' });
    await expect(t.deps.sql`update alert_actions set reason = 'rewritten'`).rejects.toThrow(/not allowed/);
    await expect(t.deps.sql`delete from alert_actions`).rejects.toThrow(/not allowed/);
  });

  it('lets one of several people acting at once acknowledge an alert, and tells the others it is already acknowledged', async () => {
    await seed();
    const tokens = await Promise.all([t.token('auditor'), t.token('auditor'), t.token('admin'), t.token('admin'), t.token('auditor')]);
    const id = (await list(tokens[0]!, '?type=duo_flow_lifecycle_violation')).alerts[0]!.id;
    const answers = await Promise.all(tokens.map((tok, i) => post(`/api/v1/alerts/${id}/acknowledge`, tok, { reason: `person ${i}` })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const rows = await t.deps.sql`select action from alert_actions where alert_seq = ${id}`;
    expect(rows.map((r) => r.action)).toEqual(['acknowledged']);
    expect((await t.get('/api/v1/alerts?type=duo_flow_started', tokens[0]!)).status).toBe(400);
  });
});
