import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixture, fixtureText, type DapFixture } from '../support/fixtures.js';

describe('POST /webhooks/gitlab/audit-events', () => {
  const t = useTestApp();
  // GitLab's default content type for a streaming destination, with a JSON body.
  const stream = async (body: string, headers: Record<string, string> = {}) => {
    const res = await t.app.request('/webhooks/gitlab/audit-events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-gitlab-event-streaming-token': STREAMING_TOKEN, ...headers },
      body,
    });
    await t.deps.integrator.integrate();
    return res;
  };
  const send = (name: DapFixture) => stream(fixtureText(name), { 'x-gitlab-audit-event-type': String(fixture(name).event_type) });
  const session = async (id: string) => (await t.deps.sql`select * from sessions where session_id = ${id}`)[0];

  it('returns 401 for a missing or wrong streaming token and stores nothing', async () => {
    const body = fixtureText('audit_duo_session_started');
    const res = await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': 'nope' }, body });
    expect(res.status).toBe(401);
    expect((await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', body })).status).toBe(401);
    expect((await t.deps.sql`select count(*)::int as n from intake where source = 'gitlab_audit_stream'`)[0]!.n).toBe(0);
  });

  it('turns duo_session_started into a running session with flow type, human initiator and agent account', async () => {
    const res = await send('audit_duo_session_started');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await session('9137')).toMatchObject({
      status: 'running', flowType: 'software_development', username: 'dwhitfield', userId: '1187',
      agentId: '77215', projectId: '4821', projectPath: 'acme-platform/payments-api', source: 'gitlab_audit_stream',
    });
    const [e] = await t.deps.sql`select type, source, leaf from audit_events where session_id = '9137'`;
    expect(e).toMatchObject({ type: 'duo_flow_started', source: 'gitlab_audit_stream' });
    expect(JSON.parse(e!.leaf as string)).toMatchObject({ source_type: 'duo_session_started', source_id: '48211937' });
  });

  it.each([
    ['audit_duo_session_finished', 'completed'],
    ['audit_duo_session_failed', 'failed'],
    ['audit_duo_session_stopped', 'stopped'],
  ] as const)('ends the session with %s as %s', async (name, status) => {
    await send('audit_duo_session_started');
    await send(name);
    expect(await session('9137')).toMatchObject({ status, username: 'dwhitfield', violations: [] });
  });

  it('keeps the person who stopped a session (no human_author keys: the author is the human)', async () => {
    await send('audit_duo_session_started');
    await send('audit_duo_session_stopped');
    const [e] = await t.deps.sql`select leaf from audit_events where type = 'duo_flow_stopped'`;
    // Attribution is by GitLab's user id (and username where GitLab sends one); the display name is personal data, redacted like a name in text.
    const stoppedBy = JSON.parse(e!.leaf as string).data.stopped_by as Record<string, string>;
    expect(stoppedBy).toMatchObject({ id: '1187' });
    expect(stoppedBy.name).toMatch(/^\[REDACTED:person_name:[0-9a-f]+\]$/);
  });

  it('deduplicates redeliveries on id, and AI events on cloud_event_id though their id changes', async () => {
    await send('audit_duo_session_started');
    expect(await (await send('audit_duo_session_started')).json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const ai = fixture('ai_event_tool_invoked.streamed');
    await stream(JSON.stringify(ai));
    expect(await (await stream(JSON.stringify({ ...ai, id: '11111111-2222-4333-8444-555555555555' }))).json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const types = (await t.deps.sql`select type from audit_events where session_id = '9137' order by seq`).map((r) => r.type);
    expect(types).toEqual(['duo_flow_started', 'duo_flow_decision_logged']);
  });

  it('records an ai_tool_invoked event as a decision of the session, its tool arguments kept as text', async () => {
    await send('audit_duo_session_started');
    await stream(fixtureText('ai_event_tool_invoked.streamed'));
    const res = await t.get('/api/v1/audit-events?session_id=9137&type=duo_flow_decision_logged', await t.token('auditor'));
    const { events } = (await res.json()) as { events: { data: Record<string, unknown> }[] };
    expect(events[0]!.data).toMatchObject({ step: 'create_merge_request', decision: 'ai_tool_invoked: create_merge_request' });
    expect(events[0]!.data.detail).toMatchObject({ tool_name: 'create_merge_request', tool_args: { project_id: 4821, title: 'Use half-even rounding for ledger totals' } });
  });

  it('reads a CloudEvent as sent by the Duo Workflow Service like its streamed form, and deduplicates the two', async () => {
    await send('audit_duo_session_started');
    const res = await stream(fixtureText('ai_event_tool_invoked'));
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(await (await stream(fixtureText('ai_event_tool_invoked.streamed'))).json()).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const [e] = await t.deps.sql`select type, session_id, occurred_at from audit_events where source = 'gitlab_audit_stream' and type = 'duo_flow_decision_logged'`;
    expect(e).toMatchObject({ type: 'duo_flow_decision_logged', sessionId: '9137' });
    expect((e!.occurredAt as Date).toISOString()).toBe('2026-03-10T14:07:52.318Z');
  });

  it('puts api_request_access_with_scope on the session the agent was running on that project, with the MR it created', async () => {
    await send('audit_duo_session_started');
    await send('audit_api_request_access_with_scope');
    const rows = await t.deps.sql`select type, session_id, leaf from audit_events where leaf::jsonb->>'source_type' = 'api_request_access_with_scope' order by seq`;
    expect(rows.map((r) => [r.type, r.sessionId])).toEqual([['duo_flow_api_request', '9137'], ['duo_flow_resource_created', '9137']]);
    expect(JSON.parse(rows[1]!.leaf as string).data).toMatchObject({ resource_type: 'MergeRequest', action: 'created' });
    const [agent] = await t.deps.sql`select username from agent_accounts where user_id = '77215'`;
    expect(agent!.username).toBe('ai-developer-acme-platform');
  });

  it('stores an api request with no running session uncorrelated instead of dropping it', async () => {
    await send('audit_api_request_access_with_scope');
    const [e] = await t.deps.sql`select type, session_id, leaf from audit_events where source = 'gitlab_audit_stream'`;
    expect(e).toMatchObject({ type: 'duo_flow_api_request', sessionId: null });
    expect(JSON.parse(e!.leaf as string).data.correlation).toMatch(/no session/);
  });

  it('accepts a JSON array and stores unknown event types as plain audit events', async () => {
    const other = { id: 5, event_type: 'user_password_changed', author_id: 1, author_name: 'Admin', entity_type: 'User', entity_id: 1, entity_path: 'root', created_at: '2026-03-10T10:00:00Z', details: { custom_message: 'changed' } };
    const res = await stream(JSON.stringify([fixture('audit_duo_session_started'), other]));
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const [e] = await t.deps.sql`select type, session_id from audit_events where type = 'gitlab_audit_event'`;
    expect(e).toMatchObject({ type: 'gitlab_audit_event', sessionId: null });
  });

  it('rejects an event without id or timestamp with its index, and a body that is not JSON with 400', async () => {
    const res = await stream(JSON.stringify([{ event_type: 'duo_session_started', created_at: '2026-03-10T10:00:00Z' }, fixture('audit_duo_session_started')]));
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, error: 'id: is required (or cloud_event_id)' }] });
    expect((await stream('event_type=duo_session_started&id=1')).status).toBe(400);
  });
});
