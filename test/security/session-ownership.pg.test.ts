// Issue 9, items 4 and 5: an ingest token holder, or a GitLab user with a
// crafted display name, tries to take over someone else's session. Each test
// performs the attack and fails if it works.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixture } from '../support/fixtures.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

const MALLORY = { id: 6666, username: 'mallory' };
const sha = (c: string) => c.repeat(40);

describe('who owns a session', () => {
  const t = useTestApp();
  const stream = async (event: Record<string, unknown>) => {
    const res = await t.app.request('/webhooks/gitlab/audit-events', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: JSON.stringify(event),
    });
    await t.deps.integrator.integrate();
    return res;
  };
  const session = async (id: string) => (await t.deps.sql`select * from sessions where session_id = ${id}`)[0];
  /** The lifecycle violation events in the log for a session: [violating event id, rule]. */
  const alerts = async (id: string) => (await t.deps.sql<{ leaf: string }[]>`
    select leaf from audit_events where type = 'duo_flow_lifecycle_violation' and session_id = ${id} order by seq`)
    .map((r) => JSON.parse(r.leaf).data as { violating_event_id: string; rule: string })
    .map((d) => [d.violating_event_id, d.rule]);

  it('keeps the first initiator when a backdated start names another person: Mallory gets 404 and an alert is raised', async () => {
    await t.ingest(startedEvent('s-alice', at(10)));
    const forged = startedEvent('s-alice', '2026-03-01T00:00:00Z', { user: MALLORY });
    expect((await t.ingest(forged)).status).toBe(202);
    expect(await session('s-alice')).toMatchObject({ username: 'dwhitfield', userId: '1187' });
    const mallory = await t.token('user', 'mallory');
    expect((await t.get('/api/v1/sessions/s-alice', mallory)).status).toBe(404);
    expect(((await (await t.get('/api/v1/audit-events?session_id=s-alice', mallory)).json()) as { events: unknown[] }).events).toEqual([]);
    expect((await t.get('/api/v1/sessions/s-alice', await t.token('user', 'dwhitfield'))).status).toBe(200);
    expect(await alerts('s-alice')).toContainEqual([forged.event_id, 'initiator_conflict']);
    const dashboard = await t.get('/api/v1/audit-events?type=duo_flow_lifecycle_violation', await t.token('auditor'));
    expect(JSON.stringify(await dashboard.json())).toContain('initiator_conflict');
  });

  it('gives a session pre-claimed through the flow API to the person GitLab\'s audit stream names, and raises an alert', async () => {
    // GitLab workflow ids are sequential: Mallory claims the next one before it exists.
    const claim = startedEvent('9137', at(0), { user: MALLORY });
    await t.ingest(claim);
    expect(await session('9137')).toMatchObject({ username: 'mallory' });
    expect((await stream(fixture('audit_duo_session_started'))).status).toBe(200);
    expect(await session('9137')).toMatchObject({ username: 'dwhitfield', userId: '1187', projectPath: 'acme-platform/payments-api' });
    expect((await t.get('/api/v1/sessions/9137', await t.token('user', 'mallory'))).status).toBe(404);
    expect(await alerts('9137')).toContainEqual([claim.event_id, 'initiator_overridden']);
  });

  it('does not let a flow-API sender attach a username to the initiator id GitLab reported', async () => {
    // No human_author keys: GitLab names the initiator by id only.
    const started = fixture('audit_duo_session_started');
    const { human_author_id: _i, human_author_name: _n, human_author_username: _u, ...details } = started.details as Record<string, unknown>;
    await stream({ ...started, author_id: 1187, author_name: 'Dana Whitfield', details: { ...details, author_name: 'Dana Whitfield' } });
    await t.ingest(startedEvent('9137', at(0), { user: { id: 1187, username: 'mallory' } }));
    expect(await session('9137')).toMatchObject({ userId: '1187', username: null });
    expect((await t.get('/api/v1/sessions/9137', await t.token('user', 'mallory'))).status).toBe(404);
  });

  it('changes no owner or project when a stop dated 2000-01-01 follows a real start', async () => {
    await stream(fixture('audit_duo_session_started'));
    const stop = flowEvent('duo_flow_stopped', '9137', '2000-01-01T00:00:00Z', { project: { id: 4821, path: 'acme-platform/payments-api' } });
    await t.ingest(stop);
    expect(await session('9137')).toMatchObject({ username: 'dwhitfield', userId: '1187', projectId: '4821', projectPath: 'acme-platform/payments-api' });
    expect((await t.get('/api/v1/sessions/9137', await t.token('user', 'dwhitfield'))).status).toBe(200);
    expect((await alerts('9137')).length).toBeGreaterThan(0);
  });

  it('raises project_conflict when a later start names another project, and keeps the first', async () => {
    await t.ingest(startedEvent('s-p', at(0)));
    const moved = startedEvent('s-p', at(1), { project: { id: 9, path: 'mallory/loot' } });
    await t.ingest(moved);
    expect(await session('s-p')).toMatchObject({ projectPath: 'acme-platform/payments-api', projectId: '4821' });
    expect(await alerts('s-p')).toContainEqual([moved.event_id, 'project_conflict']);
  });
});

describe('ingest tokens limited to projects', () => {
  const t = useTestApp();
  const postAs = async (token: string, path: string, body: unknown) => {
    const res = await t.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await t.deps.integrator.integrate();
    return res;
  };
  const logSize = async () => (await t.deps.sql<{ n: number }[]>`select ((select count(*) from audit_events) + (select count(*) from intake))::int as n`)[0]!.n;
  const limitedToken = async (projects: string[]) => {
    const res = await postAs(await t.token('admin'), '/api/v1/tokens', { role: 'ingest', projects });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  };

  it('creates a limited token through POST /api/v1/tokens and lists its projects', async () => {
    const admin = await t.token('admin');
    await limitedToken(['acme-platform/payments-api', '4821']);
    const list = (await (await t.get('/api/v1/tokens', admin)).json()) as { tokens: { role: string; projects: string[] | null }[] };
    expect(list.tokens).toContainEqual(expect.objectContaining({ role: 'ingest', projects: ['acme-platform/payments-api', '4821'] }));
    expect((await postAs(admin, '/api/v1/tokens', { role: 'auditor', projects: ['acme-platform/payments-api'] })).status).toBe(400);
    expect((await postAs(admin, '/api/v1/tokens', { role: 'ingest', projects: ['not a project'] })).status).toBe(400);
  });

  it('accepts flow events for its own project, by path or by id', async () => {
    expect((await postAs(await limitedToken(['acme-platform/payments-api']), '/api/v1/flow-events', startedEvent('s-own', at(0)))).status).toBe(202);
    expect((await postAs(await limitedToken(['4821']), '/api/v1/flow-events', flowEvent('duo_flow_decision_logged', 's-own', at(1), { step: 1, decision: 'go' }))).status).toBe(202);
  });

  it('refuses with 403 flow events for another project, or naming none, and stores nothing of the request', async () => {
    const limited = await limitedToken(['acme-platform/payments-api']);
    await t.ingest(startedEvent('s-other', at(0), { project: { id: 77, path: 'other/secret' } }));
    const before = await logSize();
    const other = await postAs(limited, '/api/v1/flow-events', [startedEvent('s-new', at(0)), startedEvent('s-x', at(0), { project: { id: 77, path: 'other/secret' } })]);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { message: string }).message).toMatch(/this token may post only for acme-platform\/payments-api; .* other\/secret/);
    // Naming its own project on another project's session does not help.
    const intoOther = await postAs(limited, '/api/v1/flow-events', flowEvent('duo_flow_resource_created', 's-other', at(1), {
      resource_type: 'Note', resource_id: 1, action: 'created', project: { id: 4821, path: 'acme-platform/payments-api' },
    }));
    expect(intoOther.status).toBe(403);
    const none = await postAs(limited, '/api/v1/flow-events', flowEvent('duo_flow_decision_logged', 's-unknown', at(1), { step: 1, decision: 'go' }));
    expect(none.status).toBe(403);
    expect(((await none.json()) as { message: string }).message).toMatch(/names no project/);
    expect(await logSize()).toBe(before);
    expect(await t.deps.sql`select session_id from sessions where session_id in ('s-new', 's-unknown')`).toHaveLength(0);
  });

  it('refuses with 403 a push check for another project and records nothing', async () => {
    const limited = await limitedToken(['acme-platform/payments-api']);
    const push = (project: string, repo: string) => ({
      project_path: project, protocol: 'ssh', username: 'dwhitfield', gl_id: 'user-1187', gl_repository: repo, mode: 'enforce',
      refs: [{ old: sha('0'), new: sha('b'), ref: 'refs/heads/main' }], commits: [],
    });
    const before = await logSize();
    expect((await postAs(limited, '/api/v1/push-checks', push('other/secret', 'project-77'))).status).toBe(403);
    expect((await postAs(limited, '/api/v1/push-checks', { ...push('other/secret', 'project-77'), unchecked: { report_id: randomUUID(), reason: 'down', decided_at: at(0), accepted: true } })).status).toBe(403);
    expect(await logSize()).toBe(before);
    expect((await postAs(limited, '/api/v1/push-checks', push('acme-platform/payments-api', 'project-4821'))).status).toBe(200);
  });
});

describe('"<name> on behalf of @<user>" in a GitLab author name', () => {
  const t = useTestApp();
  const stream = async (event: Record<string, unknown>) => {
    const res = await t.app.request('/webhooks/gitlab/audit-events', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: JSON.stringify(event),
    });
    await t.deps.integrator.integrate();
    return res;
  };
  /** duo_session_started as a plain GitLab user authors it: no human_author keys, a display name of the author's choosing. */
  const startedBy = (authorId: number, authorName: string, id = 48211999) => {
    const f = fixture('audit_duo_session_started');
    const { human_author_id: _i, human_author_name: _n, human_author_username: _u, ...details } = f.details as Record<string, unknown>;
    return { ...f, id, author_id: authorId, author_name: authorName, details: { ...details, author_name: authorName } };
  };

  it('makes a non-agent author the initiator, keeping the claim as data only', async () => {
    expect((await stream(startedBy(5555, 'Bob on behalf of @dwhitfield'))).status).toBe(200);
    const [s] = await t.deps.sql`select user_id, username, agent_id from sessions where session_id = '9137'`;
    expect(s).toMatchObject({ userId: '5555', username: null, agentId: null });
    expect((await t.get('/api/v1/sessions/9137', await t.token('user', 'dwhitfield'))).status).toBe(404);
    expect(await t.deps.sql`select user_id from agent_accounts where user_id = '5555'`).toHaveLength(0);
    const [e] = await t.deps.sql<{ leaf: string }[]>`select leaf from audit_events where type = 'duo_flow_started'`;
    expect(JSON.parse(e!.leaf).data.gitlab.author).toMatchObject({ id: '5555', name: 'Bob on behalf of @dwhitfield', unverified_on_behalf_of: 'dwhitfield' });
  });

  it('trusts the claim from an agent account GitLab marked before', async () => {
    // The API call carries GitLab's own composite-identity marks: its author is an agent account.
    await stream(fixture('audit_api_request_access_with_scope'));
    await stream(startedBy(77215, 'AI Developer - acme-platform on behalf of @dwhitfield'));
    const [s] = await t.deps.sql`select username, agent_id from sessions where session_id = '9137'`;
    expect(s).toMatchObject({ username: 'dwhitfield', agentId: '77215' });
  });
});
