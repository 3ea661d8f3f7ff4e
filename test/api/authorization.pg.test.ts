import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { VERIFY_AUTHORIZATION_JOB } from '../../src/log/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { api, GITLAB, memberHandler } from '../support/gitlab.js';
import { server } from '../support/msw.js';

describe('authorization at session start', () => {
  const t = useTestApp();
  const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot' });
  const session = async (id: string) => {
    const res = await t.get(`/api/v1/sessions/${id}`, await t.token('auditor'));
    return (await res.json()) as { session: { authorization: { reported: unknown; verified: Record<string, unknown> | null } }; timeline: { type: string }[] };
  };

  it("records the initiator's and the agent's access on the project as verified", async () => {
    server.use(memberHandler({ '1187': 30, '77215': 40 }));
    await t.ingest(startedEvent('a1', at(0)));
    await t.jobRunner(gitlab).runDue();
    const s = await session('a1');
    expect(s.session.authorization.verified).toMatchObject({
      status: 'verified', method: 'gitlab_project_membership',
      access_level: { initiator: 30, initiator_role: 'developer (30)', agent: 40, agent_role: 'maintainer (40)' }, scopes: ['ai_workflows'],
    });
    expect(s.session.authorization.reported).toMatchObject({ method: 'composite_identity' });
    expect(s.timeline.map((e) => e.type)).toContain('duo_flow_authorization_verified');
  });

  it('records unverified, with the reason, for an initiator below developer or not a member', async () => {
    server.use(memberHandler({ '1187': 20 }));
    await t.ingest(startedEvent('a2', at(0)));
    await t.jobRunner(gitlab).runDue();
    expect((await session('a2')).session.authorization.verified).toMatchObject({
      status: 'unverified',
      reason: 'the initiator is reporter (20) on the project, below developer; the agent account is not a member on the project, below developer',
    });
  });

  it('retries while GitLab fails and records unverified after the last attempt', async () => {
    server.use(http.get(api('/projects/:id/members/all/:userId'), () => HttpResponse.json({ message: '502 Bad Gateway' }, { status: 502 })));
    await t.ingest(startedEvent('a3', at(0)));
    await t.deps.sql`update jobs set max_attempts = 2 where name = ${VERIFY_AUTHORIZATION_JOB}`;
    const runner = t.jobRunner(gitlab, { baseDelayMs: 0 });
    await runner.runDue();
    expect((await session('a3')).session.authorization.verified).toMatchObject({ status: 'unverified', reason: expect.stringMatching(/^GitLab could not be asked: GitLab GET .* answered 502/) as unknown });
    const [job] = await t.deps.sql`select state, attempts from jobs where name = ${VERIFY_AUTHORIZATION_JOB}`;
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('records unverified when no GitLab API is configured', async () => {
    await t.ingest(startedEvent('a4', at(0)));
    await t.jobRunner(null).runDue();
    expect((await session('a4')).session.authorization.verified).toMatchObject({ status: 'unverified', reason: expect.stringMatching(/FLOWTRAIL_GITLAB_URL/) as unknown });
  });

  it("keeps last_event_at at the session's last own event when flowtrail's own events come after it", async () => {
    server.use(memberHandler({ '1187': 30, '77215': 40 }));
    await t.ingest(startedEvent('a5', at(0)));
    await t.ingest(flowEvent('duo_flow_decision_logged', 'a5', at(7), { step: 1, decision: 'edit', rationale: 'r' }));
    // The authorization check and a restored footer are flowtrail's (source system), recorded now, long after minute 7.
    await t.jobRunner(gitlab).runDue();
    await t.deps.integrator.append([{
      eventId: '5a7c0f2e-9d1b-4c3a-8e6f-0b1d2c3e4f5a', type: 'duo_flow_footer_restored', sessionId: 'a5', occurredAt: new Date().toISOString(),
      source: 'system', data: { merge_request_iid: 4, project_id: 7, restored: true },
    }]);
    await t.deps.integrator.integrate();
    const res = await t.get('/api/v1/sessions/a5', await t.token('auditor'));
    const body = (await res.json()) as { session: { last_event_at: string; events_count: number }; timeline: { type: string }[] };
    expect(body.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['duo_flow_authorization_verified', 'duo_flow_footer_restored']));
    expect(body.session.last_event_at).toBe(at(7));
    expect(body.session.events_count).toBe(4);
  });
});
