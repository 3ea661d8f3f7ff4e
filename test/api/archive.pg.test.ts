import { readFileSync } from 'node:fs';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { ARCHIVE_SESSION_JOB } from '../../src/log/index.js';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';
import { api, GITLAB, memberHandler } from '../support/gitlab.js';
import { server } from '../support/msw.js';

const trace = readFileSync(new URL('../fixtures/gitlab-dap/trace.jsonl', import.meta.url), 'utf8')
  + '{"message_type":"agent","content":"Used token glpat-Xq7vB2nL9kR4mT1wZ8pC to read the CI settings","timestamp":"2026-03-10T14:10:00+00:00","status":"success","message_id":"msg-secret","channel":"ui_chat_log"}\n';

describe('archival of session activity', () => {
  const t = useTestApp();
  const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot' });
  const stream = (name: 'audit_duo_session_started' | 'audit_duo_session_finished') =>
    t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText(name) });

  it('copies trace.jsonl into the log when a GitLab session ends, sanitized, once', async () => {
    let fetched = 0;
    server.use(memberHandler({ '1187': 30, '77215': 30 }), http.get(api('/ai/duo_workflows/workflows/:id/trace.jsonl'), ({ params }) => {
      fetched++;
      return params.id === '9137' ? new HttpResponse(trace, { headers: { 'content-type': 'application/x-ndjson' } }) : HttpResponse.json({ message: '404 Not found' }, { status: 404 });
    }));
    await stream('audit_duo_session_started');
    await stream('audit_duo_session_finished');
    await t.deps.integrator.integrate();
    await t.jobRunner(gitlab).runDue();
    expect(fetched).toBe(1);
    const res = await t.get('/api/v1/audit-events?session_id=9137&limit=100', await t.token('auditor'));
    const events = ((await res.json()) as { events: { type: string; source: string; data: Record<string, unknown> }[] }).events.reverse();
    const archived = events.filter((e) => e.source === 'gitlab_archive');
    expect(archived.map((e) => e.type).sort()).toEqual(['duo_flow_activity_archived', 'duo_flow_decision_logged', 'duo_flow_decision_logged', 'duo_flow_decision_logged', 'duo_flow_decision_logged', 'duo_flow_plan_generated']);
    const activity = archived.find((e) => e.type === 'duo_flow_activity_archived')!.data;
    expect(activity).toMatchObject({ lines: 7, unparsed_lines: 0, activity: { goal: 'Implement half-even rounding for ledger totals as described in #42', status: 'Completed' } });
    expect(JSON.stringify(archived)).not.toContain('glpat-Xq7vB2nL9kR4mT1wZ8pC');
    expect(JSON.stringify(archived)).toContain('[REDACTED:gitlab_token:');
    const [s] = await t.deps.sql`select status, violations from sessions where session_id = '9137'`;
    expect(s).toMatchObject({ status: 'completed', violations: [] });
    // A rerun of the job (a retry after a crash) adds nothing.
    await t.deps.sql`insert into jobs (name, payload) values (${ARCHIVE_SESSION_JOB}, ${t.deps.sql.json({ session_id: '9137' })})`;
    await t.jobRunner(gitlab).runDue();
    const [n] = await t.deps.sql`select count(*)::int as n from audit_events where source = 'gitlab_archive'`;
    expect(n!.n).toBe(6);
  });
});
