import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

describe('POST /api/v1/flow-events', () => {
  const t = useTestApp();
  const post = (token: string | undefined, body: string, type = 'application/json') =>
    t.app.request('/api/v1/flow-events', { method: 'POST', headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  // Rows that came from senders (token changes are audited too, as system events).
  const count = async (table: string) => (await t.deps.sql.unsafe(`select count(*)::int as n from ${table} where source = 'flow_api'`))[0]!.n as number;

  it('returns 401 without a token and with a wrong one, 403 for a role that may not ingest', async () => {
    const body = JSON.stringify(startedEvent('s1', at(0)));
    expect((await post(undefined, body)).status).toBe(401);
    expect((await post('ftk_' + 'x'.repeat(40), body)).status).toBe(401);
    expect((await post(await t.token('auditor'), body)).status).toBe(403);
    expect(await count('intake')).toBe(0);
  });

  it('accepts one event, stores it in the log and projects the session', async () => {
    const res = await t.ingest(startedEvent('s1', at(0)));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const [s] = await t.deps.sql`select * from sessions where session_id = 's1'`;
    expect(s).toMatchObject({ status: 'running', username: 'dwhitfield', agentUsername: 'ai-developer-acme-platform', projectPath: 'acme-platform/payments-api', flowType: 'software_development' });
    const [e] = await t.deps.sql`select seq, type, source from audit_events where session_id = 's1'`;
    expect(e).toMatchObject({ type: 'duo_flow_started', source: 'flow_api' });
  });

  it('accepts an array and NDJSON, and treats a repeated event_id as a duplicate', async () => {
    const a = startedEvent('s2', at(0));
    const b = flowEvent('duo_flow_plan_generated', 's2', at(1), { plan_steps: ['read', 'write'] });
    expect(await (await t.ingest([a, b])).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const c = flowEvent('duo_flow_completed', 's2', at(5));
    const ndjson = [a, c].map((e) => JSON.stringify(e)).join('\n');
    expect(await (await t.ingest(ndjson, 'application/x-ndjson')).json()).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
    expect(await count('audit_events')).toBe(3);
  });

  it('rejects each malformed event with its index and reason, stores none of it, and stores the rest', async () => {
    const good = startedEvent('s3', at(0));
    const { user: _u, ...noUser } = startedEvent('s3', at(1));
    const res = await t.ingest([
      good,
      noUser,
      flowEvent('duo_flow_decision_logged', 's3', at(2), { step: 1, decision: 42 }),
      flowEvent('duo_flow_teleported', 's3', at(3)),
      flowEvent('duo_flow_completed', 'bad session id!', at(4)),
      flowEvent('duo_flow_completed', 's3', '2026-03-10 14:05'),
      flowEvent('duo_flow_lifecycle_violation', 's3', at(6)),
      'not an object',
    ]);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: { index: number; error: string }[] };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(body.rejected[0]!.error).toBe('user: is required');
    expect(body.rejected[1]!.error).toMatch(/^decision: /);
    expect(body.rejected[2]!.error).toMatch(/unknown event type "duo_flow_teleported"/);
    expect(body.rejected[3]!.error).toMatch(/^session_id: /);
    expect(body.rejected[4]!.error).toMatch(/^occurred_at: /);
    expect(body.rejected[5]!.error).toMatch(/recorded by flowtrail itself/);
    expect(await count('audit_events')).toBe(1);

  });

  it('answers 400 for a body that is not JSON and when no event is valid', async () => {
    const token = await t.token('ingest');
    const r1 = await post(token, '{"event_id": ');
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as { message: string }).message).toMatch(/not valid JSON/);
    const r2 = await post(token, JSON.stringify([{ type: 'duo_flow_started' }]));
    expect(r2.status).toBe(400);
    expect(await count('intake')).toBe(0);
  });

  it('answers 413 for a body over the limit', async () => {
    const huge = JSON.stringify(startedEvent('s4', at(0), { input_prompt: 'x'.repeat(6 * 1024 * 1024) }));
    const res = await post(await t.token('ingest'), huge);
    expect(res.status).toBe(413);
    expect(await count('intake')).toBe(0);
  });

  it('orders the lifecycle by occurred_at whatever the arrival order, and derives duration and resources', async () => {
    await t.ingest(flowEvent('duo_flow_completed', 's5', at(17), { outcome_summary: 'done' }));
    await t.ingest(flowEvent('duo_flow_resource_created', 's5', at(5), { resource_type: 'MergeRequest', resource_id: 57, action: 'created' }));
    await t.ingest(startedEvent('s5', at(0)));
    const [s] = await t.deps.sql`select status, duration_ms, resources_created, violations from sessions where session_id = 's5'`;
    expect(s).toMatchObject({ status: 'completed', durationMs: 17 * 60_000, resourcesCreated: 1 });
    // Arrivals before the start were flagged when they came, and the flags stay in the log.
    const flagged = await t.deps.sql`select count(*)::int as n from audit_events where type = 'duo_flow_lifecycle_violation'`;
    expect(flagged[0]!.n).toBe(2);
    expect(s!.violations).toEqual([]);
  });

  it('stores and flags an event after a terminal one, never drops it', async () => {
    await t.ingest([startedEvent('s6', at(0)), flowEvent('duo_flow_failed', 's6', at(3), { error_category: 'tool', error_code: 'E1', error_message: 'boom', failed_at_step: 2 }), flowEvent('duo_flow_resumed', 's6', at(4))]);
    const [s] = await t.deps.sql`select status, violations, details from sessions where session_id = 's6'`;
    expect(s!.status).toBe('failed');
    expect(s!.violations).toMatchObject([{ type: 'duo_flow_resumed', rule: 'after_terminal' }]);
    expect(s!.details).toMatchObject({ resources_created_before_failure: 0 });
    const types = (await t.deps.sql`select type from audit_events where session_id = 's6' order by seq`).map((r) => r.type);
    expect(types).toEqual(['duo_flow_started', 'duo_flow_failed', 'duo_flow_resumed', 'duo_flow_lifecycle_violation']);
  });
});
