import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { sweepSessions } from '../../src/jobs/index.js';
import { ARCHIVE_SESSION_JOB } from '../../src/log/index.js';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { GITLAB } from '../support/gitlab.js';
import { server } from '../support/msw.js';

describe('the daily session sweep', () => {
  const t = useTestApp();

  it("records sessions and endings GitLab never streamed, from GitLab's GraphQL API, once", async () => {
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
    await t.deps.integrator.integrate();
    const asked: unknown[] = [];
    server.use(http.post(`${GITLAB}/api/graphql`, async ({ request }) => {
      const body = (await request.json()) as { variables: Record<string, unknown> };
      asked.push(body.variables);
      const page = body.variables.after === null ? 1 : 2;
      const nodes = page === 1
        ? [{ id: 'gid://gitlab/Ai::DuoWorkflows::Workflow/9137', status: 'FINISHED', workflowDefinition: 'software_development', createdAt: '2026-03-10T14:02:11Z', updatedAt: '2026-03-10T14:19:05Z' }]
        : [{ id: 'gid://gitlab/Ai::DuoWorkflows::Workflow/9200', status: 'STOPPED', workflowDefinition: 'convert_to_gitlab_ci', createdAt: '2026-03-10T16:00:00Z', updatedAt: '2026-03-10T16:05:00Z' }];
      return HttpResponse.json({ data: { project: { duoWorkflowWorkflows: { pageInfo: { hasNextPage: page === 1, endCursor: page === 1 ? 'c1' : null }, nodes } } } });
    }));
    const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot' });
    const r = await sweepSessions({ sql: t.deps.sql, integrator: t.deps.integrator, gitlab }, new Date('2026-03-09T00:00:00Z'));
    expect(r).toEqual({ projects: 1, seen: 2, recorded: 3 });
    expect(asked[0]).toMatchObject({ path: 'acme-platform/payments-api', since: '2026-03-09T00:00:00.000Z', after: null });
    const sessions = await t.deps.sql`select session_id, status, flow_type from sessions order by session_id`;
    expect(sessions.map((s) => [s.sessionId, s.status, s.flowType])).toEqual([['9137', 'completed', 'software_development'], ['9200', 'stopped', 'convert_to_gitlab_ci']]);
    const archives = await t.deps.sql`select payload->>'session_id' as id from jobs where name = ${ARCHIVE_SESSION_JOB} order by id`;
    expect(archives.map((a) => a.id)).toEqual(['9137', '9200']);
    // The next day's sweep over the same sessions records nothing new.
    expect((await sweepSessions({ sql: t.deps.sql, integrator: t.deps.integrator, gitlab }, new Date('2026-03-09T00:00:00Z'))).recorded).toBe(0);
  });
});
