import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';

const sha = (c: string) => c.repeat(40);
const request = (commits: unknown[], extra: Record<string, unknown> = {}) => ({
  project_path: 'acme-platform/payments-api', protocol: 'ssh', username: 'dwhitfield', gl_id: 'user-1187', gl_repository: 'project-4821',
  mode: 'enforce', refs: [{ old: sha('0'), new: sha('b'), ref: 'refs/heads/main' }], commits, ...extra,
});
const agentCommit = (references: unknown[]) => ({
  sha: sha('b'), short_sha: 'bbbbbbb', author_name: 'Duo Developer', author_email: 'duo-developer@noreply.gitlab.test', committed_at: '2026-03-10T14:20:00Z', references,
});

describe('POST /api/v1/push-checks', () => {
  const t = useTestApp({ FLOWTRAIL_AGENT_USERNAMES: 'duo-developer*' });
  const post = (token: string | null, body: unknown) => t.app.request('/api/v1/push-checks', {
    method: 'POST', headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  it('is for the ingest role only', async () => {
    expect((await post(null, request([]))).status).toBe(401);
    expect((await post('ftk_' + 'a'.repeat(40), request([]))).status).toBe(401);
    expect((await post(await t.token('auditor'), request([]))).status).toBe(403);
    expect((await post(await t.token('user'), request([]))).status).toBe(403);
    expect((await post(await t.token('ingest'), request([]))).status).toBe(200);
  });

  it('answers 400 with the reason for a body that is not a push, and records nothing', async () => {
    const ingest = await t.token('ingest');
    const notJson = await post(ingest, '{"project_path":');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: 'invalid', message: 'the body is not JSON' });
    const badSha = await post(ingest, request([{ ...agentCommit([]), sha: 'not-a-sha' }]));
    expect(badSha.status).toBe(400);
    expect((await badSha.json() as { message: string }).message).toMatch(/^commits\.0\.sha: a 40 or 64 hex digit object id/);
    expect((await post(ingest, request([], { mode: 'off' }))).status).toBe(400);
    await t.deps.integrator.integrate();
    const events = (await (await t.get('/api/v1/audit-events', await t.token('auditor'))).json()) as { events: { type: string }[] };
    expect(events.events.filter((e) => e.type.startsWith('duo_flow_push'))).toHaveLength(0);
  });

  it('matches agent accounts learned from sessions, and sanitizes what it records', async () => {
    await t.ingest([startedEvent('sess-1', at(0))]);
    const ingest = await t.token('ingest');
    // Not a configured pattern, but the agent of a session (learned on duo_flow_started).
    const leaked = 'ghp_xK9mQ2vL7nR4tY8wZ3pB6cF1hJ5dG0sE2aU7';
    const res = await post(ingest, request([{ ...agentCommit([{ key: 'X-GitLab-Duo-Session', reference: leaked, session_id: leaked }]), author_name: 'ai-developer-acme-platform' }]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { decision: string; findings: { code: string; reason: string }[]; event_id: string };
    expect(body.decision).toBe('rejected');
    expect(body.findings[0]!.code).toBe('unknown_session');
    await t.deps.integrator.integrate();
    const stored = JSON.stringify(await (await t.get('/api/v1/audit-events?type=duo_flow_push_rejected', await t.token('auditor'))).json());
    expect(stored).not.toContain(leaked);
    expect(stored).toContain('[REDACTED:github_token:');
    expect(stored).toContain(body.event_id);
  });

  it('records a push the hook decided alone, as it happened, once however often it is reported', async () => {
    const ingest = await t.token('ingest');
    const report = request([agentCommit([])], { unchecked: { report_id: '6f1c2a9e-3b7d-4c1e-9a2f-0d4b5c6e7f80', reason: 'connect ECONNREFUSED 10.0.0.5:8080', decided_at: '2026-03-10T14:20:05Z', accepted: true } });
    for (let i = 0; i < 3; i++) expect((await post(ingest, report)).status).toBe(200);
    await t.deps.integrator.integrate();
    const events = (await (await t.get('/api/v1/audit-events?type=duo_flow_push_checked', await t.token('auditor'))).json()) as { events: { event_id: string; occurred_at: string; data: Record<string, unknown> }[] };
    expect(events.events).toHaveLength(1);
    expect(events.events[0]).toMatchObject({ event_id: '6f1c2a9e-3b7d-4c1e-9a2f-0d4b5c6e7f80', occurred_at: '2026-03-10T14:20:05.000Z', data: { unchecked: true, accepted: true, agent_commits: null, commits: 1, findings: [] } });
    // Not checked after the fact: the untraced agent commit in it is not judged here.
    expect((await post(ingest, request([], { unchecked: { report_id: 'not-a-uuid', reason: 'x', decided_at: '2026-03-10T14:20:05Z', accepted: true } }))).status).toBe(400);
  });
});
