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

// Hostile JSON: a tree whose leaves include what JavaScript reads and PostgreSQL or the canonical JSON cannot
// take (NUL, lone surrogates, 1e999), odd dates, and markers for nesting far deeper than any limit.
type Hostile = string | number | boolean | null | { inf: -1 | 1 } | { deep: number; arrays: boolean } | Hostile[] | { obj: [string, Hostile][] } | Raw;
/** JSON text already written (an object built by objectText). */
class Raw {
  constructor(readonly text: string) {}
}
const oddText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud83d', '\ud83d\ude00', 'glpat-q7Lm2Xv9Kp4Tz8Wn3Yb6', '\ufeff'),
  fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00'), fc.string({ maxLength: 6 })).map(([a, b, c]) => a + b + c),
);
const oddDate = fc.oneof(
  fc.constantFrom('0000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '+010000-01-01T00:00:00Z',
    '2016-12-31T23:59:60Z', '2026-03-10T14:00:00+23:59', '2026-03-10T14:00:00-15:59', '9999-12-31T23:59:59Z', '1969-12-31T23:59:59Z', '2026-03-10T14:00:00.9999995Z', '2026-02-30T00:00:00Z'),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date('2020-01-01'), max: new Date(), noInvalidDate: true }).map((d) => d.toISOString()),
);
const { hostile } = fc.letrec<{ hostile: Hostile }>((tie) => ({
  hostile: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    oddText, oddDate, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    fc.constantFrom<Hostile>({ inf: 1 }, { inf: -1 }, 123456789012345678901234567890),
    fc.record({ deep: fc.integer({ min: 60, max: 12_000 }), arrays: fc.boolean() }),
    fc.array(tie('hostile'), { maxLength: 4 }),
    fc.array(fc.tuple(oddText, tie('hostile')), { maxLength: 4 }).map((obj) => ({ obj })),
  ),
}));
/** The JSON text an attacker would send for a hostile tree (lone surrogates and NUL as \u escapes, 1e999 as such). */
function text(v: Hostile): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(text).join(',')}]`;
  if ('inf' in v) return v.inf > 0 ? '1e999' : '-1e999';
  if ('deep' in v) return `${(v.arrays ? '[' : '{"d":').repeat(v.deep)}0${(v.arrays ? ']' : '}').repeat(v.deep)}`;
  return `{${v.obj.map(([k, x]) => `${JSON.stringify(k)}:${text(x)}`).join(',')}}`;
}
/** An object's text with some fields hostile and the rest as given. */
const objectText = (fields: Record<string, Hostile | undefined>): Raw =>
  new Raw(`{${Object.entries(fields).filter(([, x]) => x !== undefined).map(([k, x]) => `${JSON.stringify(k)}:${text(x!)}`).join(',')}}`);
const either = <T>(good: fc.Arbitrary<T>) => fc.oneof(good, hostile);

describe('fuzzing every endpoint', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: 'webhook-secret-for-fuzzing' });
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

  it('drives every ingest route with hostile JSON: never a 5xx, webhooks always 200, and the log still verifies', async () => {
    const ingest = await t.token('ingest');
    const event = fc.record({
      event_id: either(fc.uuid()), type: either(fc.constantFrom('duo_flow_started', 'duo_flow_decision_logged', 'duo_flow_completed')),
      session_id: either(fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/)), occurred_at: either(oddDate), step: either(fc.nat()), decision: hostile, input_prompt: hostile, user: hostile, extra: hostile,
    }, { requiredKeys: ['event_id', 'type', 'session_id', 'occurred_at'] }).map((e) => objectText(e).text);
    const flowBody = fc.oneof(event, fc.array(event, { minLength: 1, maxLength: 3 }).map((e) => `[${e.join(',')}]`), fc.array(event, { minLength: 2, maxLength: 3 }).map((e) => e.join('\n')), hostile.map(text));
    const audit = fc.record({
      id: either(fc.nat()), event_type: either(fc.constantFrom('duo_session_started', 'ai_tool_invoked', 'api_request_access_with_scope', 'custom')), created_at: either(oddDate),
      author_id: hostile, author_name: either(fc.constant('Dana')), entity_type: either(fc.constant('Project')), entity_path: hostile, target_id: either(fc.nat()), target_details: hostile, details: hostile,
    }, { requiredKeys: ['id', 'event_type', 'created_at'] }).map((a) => objectText(a).text);
    const hook = fc.oneof(
      fc.record({ object_kind: either(fc.constantFrom('push', 'merge_request', 'note', 'duo_workflow')), ref: hostile, project: hostile, commits: hostile, user: hostile, workflow: hostile, extra: hostile }, { requiredKeys: [] }).map((h) => objectText(h).text),
      hostile.map(text), oddText,
    );
    const sha = fc.constantFrom('a'.repeat(40), 'b'.repeat(40));
    const ref = fc.record({ old: either(sha), new: either(sha), ref: either(fc.constant('refs/heads/main')) }).map(objectText);
    const commit = fc.record({ sha: either(sha), short_sha: either(fc.constant('aaaaaaa')), author_name: hostile, author_email: either(fc.constant('a@b.c')), committed_at: either(oddDate), references: fc.constant<Hostile>([]) }).map(objectText);
    const unchecked = fc.record({ report_id: either(fc.uuid()), reason: hostile, decided_at: either(oddDate), accepted: either(fc.boolean()) }).map(objectText);
    const push = fc.record({
      project_path: either(fc.constant('acme/p')), protocol: either(fc.constant('ssh')), username: either(fc.constant('dana')), gl_id: either(fc.constant('user-1')), gl_repository: either(fc.constant('project-1')),
      mode: either(fc.constant('warn')), refs: fc.array(ref, { maxLength: 2 }), commits: fc.array(commit, { maxLength: 2 }), dry_run: either(fc.boolean()), unchecked,
    }, { requiredKeys: ['project_path', 'mode', 'refs', 'commits'] }).map((p) => objectText(p).text);
    const post = (path: string, headers: Record<string, string>, body: string) => t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await fc.assert(
      fc.asyncProperty(flowBody, audit, hook, push, fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain'), async (flow, streamed, delivery, check, type) => {
        const answers = [
          [await post('/api/v1/flow-events', { authorization: `Bearer ${ingest}`, 'content-type': type }, flow), [202, 400, 413]],
          [await post('/webhooks/gitlab/audit-events', { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, streamed), [200, 400]],
          [await post('/webhooks/gitlab', { 'x-gitlab-token': 'webhook-secret-for-fuzzing', 'x-gitlab-event': 'Push Hook' }, delivery), [200]],
          [await post('/api/v1/push-checks', { authorization: `Bearer ${ingest}` }, check), [200, 400]],
        ] as const;
        for (const [res, allowed] of answers) {
          expect(allowed, `${res.status} ${await res.clone().text()}`).toContain(res.status);
          expect(typeof (await res.json())).toBe('object');
        }
      }),
      { numRuns: 80 },
    );
    await t.jobRunner(null).runDue();
    expect(await t.deps.sql`select state, count(*)::int as n from jobs where state <> 'done' and name = 'gitlab.delivery' group by state`).toEqual([]);
    const verify = await t.app.request('/api/v1/integrity/verify', { method: 'POST', headers: { authorization: `Bearer ${await t.token('auditor')}` } });
    expect(await verify.json()).toMatchObject({ ok: true, problems: [] });
  }, 120_000);
});
