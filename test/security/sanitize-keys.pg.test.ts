import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

// Attack: personal data and credentials sent as object keys, where the
// sanitizer used to look only at values. Through each intake, nothing raw may
// reach any table.

const WEBHOOK_SECRET = 'webhook-secret-for-key-tests';
const EMAIL = 'alice.smith@example.com';
const PHONE = '+14155550132';
const GLPAT = 'glpat-q7Lm2Xv9Kp4Tz8Wn3Yb6';
const AWS = 'AKIAZ7Q4R2LMNOP3STUV';
const RAW = [EMAIL, PHONE, GLPAT, AWS];

/** Every raw value as a key, at the top, nested, in an array and beside a sensitive key. */
function keyed(): Record<string, unknown> {
  return {
    [EMAIL]: 'reviewer',
    [PHONE]: { note: 'on call' },
    [GLPAT]: ['scope api'],
    [AWS]: 1,
    nested: { deeper: [{ [EMAIL]: { [GLPAT]: true } }] },
    password: { [AWS]: 'hunter2' },
  };
}

describe('object keys holding secrets or personal data', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET });

  /** Every table, every column, as text: the raw values must be in none. */
  async function leaks(): Promise<string[]> {
    const tables = await t.deps.sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' order by tablename`;
    const found: string[] = [];
    for (const { tablename } of tables) {
      for (const raw of RAW) {
        const [row] = await t.deps.sql.unsafe(`select count(*)::int as n from "${tablename}" x where strpos(x::text, $1) > 0`, [raw]);
        if ((row?.n as number) > 0) found.push(`${tablename}: ${raw}`);
      }
    }
    return found;
  }

  /** The data of a session's events as the read API shows them. */
  async function timeline(session: string): Promise<Record<string, unknown>[]> {
    const res = await t.get(`/api/v1/sessions/${session}`, await t.token('auditor'));
    return ((await res.json()) as { timeline: { data: Record<string, unknown> }[] }).timeline.map((e) => e.data);
  }

  it('stores none of them from the flow-event API (input_context and every other data field)', async () => {
    const res = await t.ingest([
      startedEvent('keys-1', at(0), { input_context: keyed() }),
      flowEvent('duo_flow_plan_generated', 'keys-1', at(1), { plan_steps: [keyed()] }),
    ]);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 2, rejected: [] });
    expect(await leaks()).toEqual([]);
    const context = (await timeline('keys-1'))[0]!.input_context as Record<string, unknown>;
    expect(Object.keys(context).filter((k) => k.startsWith('[REDACTED:'))).toHaveLength(4);
    expect(context.nested).toBeDefined();
  });

  it('stores none of them from the audit event stream (details of known and unknown event types)', async () => {
    const stream = (event: Record<string, unknown>) =>
      t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: JSON.stringify(event) });
    const base = { author_id: 77215, author_name: 'Dana', entity_type: 'Project', entity_id: 4821, entity_path: 'acme/p', created_at: at(2) };
    expect((await stream({ ...base, id: 9001, event_type: 'custom_event_with_keys', details: keyed() })).status).toBe(200);
    expect((await stream({ ...base, id: 9002, event_type: 'ai_tool_invoked', details: { workflow_id: 9137, tool_name: 'run_command', ...keyed() } })).status).toBe(200);
    await t.deps.integrator.integrate();
    expect(await t.deps.sql`select count(*)::int as n from audit_events where source = 'gitlab_audit_stream'`).toEqual([{ n: 2 }]);
    expect(await leaks()).toEqual([]);
  });

  it('stores none of them from a GitLab webhook delivery, before and after the worker processed it', async () => {
    const res = await t.app.request('/webhooks/gitlab', {
      method: 'POST',
      headers: { 'x-gitlab-token': WEBHOOK_SECRET, 'x-gitlab-event': 'Push Hook', 'content-type': 'application/json', 'user-agent': `GitLab/18.9 ${EMAIL}` },
      body: JSON.stringify({ object_kind: 'push', ref: 'refs/heads/main', project: { id: 4821, path_with_namespace: 'acme/p' }, commits: [], ...keyed() }),
    });
    expect(res.status).toBe(200);
    expect(await leaks()).toEqual([]);
    await t.jobRunner(null).runDue();
    expect(await leaks()).toEqual([]);
  });

  it('keeps __proto__ and constructor keys as data, never as a prototype, through the flow API and the audit stream', async () => {
    const hostile = `{"__proto__":{"${EMAIL}":"x","polluted":true},"constructor":{"prototype":{"polluted":true}}}`;
    const flow = `[${JSON.stringify(startedEvent('keys-proto', at(0))).slice(0, -1)},"input_context":${hostile}}]`;
    expect((await t.ingest(flow)).status).toBe(202);
    const audit = await t.app.request('/webhooks/gitlab/audit-events', {
      method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN },
      body: `{"id":9100,"event_type":"custom_event_with_keys","created_at":"${at(1)}","details":${hostile}}`,
    });
    expect(audit.status).toBe(200);
    await t.deps.integrator.integrate();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((await timeline('keys-proto'))[0]!.input_context)).toBe(Object.prototype);
    const res = await t.get('/api/v1/audit-events', await t.token('auditor'));
    const stored = ((await res.json()) as { events: { data: { details: { details: Record<string, Record<string, unknown>> } } }[] }).events.find((e) => e.data.details?.details !== undefined);
    const details = stored!.data.details.details;
    expect(Object.getOwnPropertyNames(details).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(Object.getOwnPropertyDescriptor(details, '__proto__')!.value as object).sort()).toEqual([expect.stringMatching(/^\[REDACTED:email:[0-9a-f]{8}\]$/), 'polluted']);
    expect(await leaks()).toEqual([]);
  });

  it('answers 400 (webhooks: 200, stored as unprocessable), not a crash or a 5xx, to nesting deeper than the sanitizer walks, through each intake', async () => {
    const deep = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    for (const n of [200, 100_000]) {
      const event = JSON.stringify(startedEvent(`keys-deep-${n}`, at(0))).slice(0, -1);
      const flow = await t.ingest(`${event},"input_context":${deep(n)}}`);
      expect(flow.status, `flow events, depth ${n}`).toBe(400);
      expect(JSON.stringify(await flow.json())).toContain('nested');
      const audit = await t.app.request('/webhooks/gitlab/audit-events', {
        method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN },
        body: `{"id":${n},"event_type":"custom","created_at":"${at(1)}","details":${deep(n)}}`,
      });
      expect(audit.status, `audit stream, depth ${n}`).toBe(400);
      const hook = await t.app.request('/webhooks/gitlab', {
        method: 'POST', headers: { 'x-gitlab-token': WEBHOOK_SECRET, 'x-gitlab-event': 'Push Hook', 'content-type': 'application/json' },
        body: `{"object_kind":"push","x":${deep(n)}}`,
      });
      expect(hook.status, `webhook, depth ${n}`).toBe(200);
      expect(await hook.json()).toEqual({ status: 'unprocessable', reason: 'the body is nested deeper than 64 levels' });
    }
    // Kept as the record of an unprocessable delivery (why, size, hash), never the nested content.
    const bodies = await t.deps.sql<{ body: Record<string, { reason: string }> }[]>`select body from deliveries order by id`;
    expect(bodies.map((b) => Object.keys(b.body))).toEqual([['flowtrail_unprocessable'], ['flowtrail_unprocessable']]);
  });
});
