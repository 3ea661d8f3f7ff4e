import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { startedEvent } from '../support/flow-events.js';

// Every endpoint, fed arbitrary input: the answer is always a deliberate status, never a crash (500).
const jsonish = fc.oneof(fc.json(), fc.string(), fc.constant(''), fc.constant('[]'), fc.constant('{"event_id":null}'));
const eventLike = fc.record(
  {
    event_id: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
    type: fc.oneof(fc.constantFrom('duo_flow_started', 'duo_flow_decision_logged', 'duo_flow_completed', 'duo_flow_paused', 'nope'), fc.string()),
    session_id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/), fc.string()),
    occurred_at: fc.oneof(fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
    step: fc.oneof(fc.integer(), fc.string()),
    decision: fc.oneof(fc.string(), fc.integer(), fc.object()),
    user: fc.oneof(fc.record({ id: fc.integer(), username: fc.string() }), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('fuzzing every endpoint', () => {
  const t = useTestApp();
  const ok = (status: number, allowed: number[]) => expect(allowed, `status ${status}`).toContain(status);

  it('POST /api/v1/flow-events never fails on any body, content type or event shape', async () => {
    const token = await t.token('ingest');
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonish, fc.array(eventLike, { maxLength: 5 }).map((a) => JSON.stringify(a)), eventLike.map((e) => JSON.stringify(e))),
        fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', 'application/x-www-form-urlencoded'), async (body, type) => {
          const res = await t.app.request('/api/v1/flow-events', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
          ok(res.status, [202, 400, 413]);
          const parsed = (await res.json()) as Record<string, unknown>;
          expect(typeof parsed).toBe('object');
        }),
      { numRuns: 150 },
    );
    await t.deps.integrator.integrate();
  });

  it('POST /webhooks/gitlab/audit-events never fails on any body', async () => {
    const auditLike = fc.record({ id: fc.oneof(fc.integer(), fc.string()), event_type: fc.oneof(fc.constantFrom('duo_session_started', 'ai_tool_invoked', 'api_request_access_with_scope'), fc.string()), created_at: fc.oneof(fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2030-01-01') }).map((d) => d.toISOString()), fc.string()), target_id: fc.oneof(fc.integer(), fc.string()), target_details: fc.string(), details: fc.anything(), author_id: fc.anything() }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonish, auditLike.map((e) => JSON.stringify(e)), fc.array(auditLike, { maxLength: 4 }).map((a) => JSON.stringify(a))), async (body) => {
        const res = await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body });
        ok(res.status, [200, 400]);
      }),
      { numRuns: 150 },
    );
    await t.deps.integrator.integrate();
  });

  it('the read endpoints answer 200, 400, 403 or 404 to any query', async () => {
    await t.ingest([startedEvent('f1', new Date().toISOString())]);
    const auditor = await t.token('auditor');
    const user = await t.token('user', 'dwhitfield');
    const params = fc.dictionary(fc.constantFrom('user', 'project', 'flow_type', 'status', 'from', 'to', 'cursor', 'limit', 'session_id', 'type', 'format', 'bundle', 'x'), fc.string(), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/api/v1/sessions', '/api/v1/audit-events', '/api/v1/export', '/api/v1/sessions/f1', '/api/v1/sessions/%00%ff', '/api/v1/integrity'), params, fc.boolean(), async (path, q, asUser) => {
        const res = await t.get(`${path}?${new URLSearchParams(q)}`, asUser ? user : auditor);
        ok(res.status, [200, 400, 403, 404]);
        await res.arrayBuffer();
      }),
      { numRuns: 150 },
    );
  });

  it('POST /api/v1/tokens answers 201 or 400 to any body', async () => {
    const admin = await t.token('admin');
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonish, fc.record({ role: fc.oneof(fc.constantFrom('ingest', 'user', 'auditor', 'admin'), fc.string()), user: fc.oneof(fc.string(), fc.integer()), name: fc.string() }, { requiredKeys: [] }).map((o) => JSON.stringify(o))), async (body) => {
        const res = await t.app.request('/api/v1/tokens', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body });
        ok(res.status, [201, 400]);
      }),
      { numRuns: 100 },
    );
  });
});
