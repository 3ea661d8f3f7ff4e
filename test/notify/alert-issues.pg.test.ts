import { randomUUID } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { createAlertNotifier, issueMarker, type AlertNotifier } from '../../src/notify/index.js';
import { recordEvents } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';
import { api, GITLAB } from '../support/gitlab.js';
import { server as msw } from '../support/msw.js';
import { waitFor } from '../support/receivers.js';

const TOKEN = 'glpat-issues-test-token';
const PUBLIC_URL = 'https://flowtrail.example.test';
const PROJECT = 'security/alerts';

interface FakeIssue {
  iid: number;
  title: string;
  description: string;
  labels: string;
  web_url: string;
}

/** GitLab's issues of one project as msw plays them: created (POST) and searched in descriptions (GET ?search=&in=description). */
function fakeIssues(o: { loseAnswers?: number } = {}) {
  const issues: FakeIssue[] = [];
  const calls: string[] = [];
  let lose = o.loseAnswers ?? 0;
  const handlers = [
    http.post(api('/projects/:id/issues'), async ({ request, params }) => {
      expect(request.headers.get('private-token')).toBe(TOKEN);
      expect(params.id).toBe(PROJECT);
      const body = (await request.json()) as { title: string; description: string; labels: string };
      const issue = { iid: issues.length + 1, title: body.title, description: body.description, labels: body.labels, web_url: `${GITLAB}/${PROJECT}/-/issues/${issues.length + 1}` };
      issues.push(issue);
      calls.push(`POST ${issue.iid}`);
      // GitLab made the issue, but the answer never arrived.
      if (lose > 0) {
        lose--;
        return HttpResponse.json({ message: '502 Bad Gateway' }, { status: 502 });
      }
      return HttpResponse.json(issue, { status: 201 });
    }),
    http.get(api('/projects/:id/issues'), ({ request }) => {
      const url = new URL(request.url);
      const search = url.searchParams.get('search') ?? '';
      calls.push(`GET search=${search} in=${url.searchParams.get('in')}`);
      // GitLab's search matches parts of words: `...-4` finds `...-42` too.
      return HttpResponse.json(issues.filter((i) => i.description.includes(search)));
    }),
  ];
  return { issues, calls, handlers };
}

describe('alert notifications as GitLab issues (GitLab played by msw)', () => {
  const t = useTestApp();
  const notifiers: AlertNotifier[] = [];
  afterEach(async () => {
    await Promise.all(notifiers.splice(0).map((n) => n.stop()));
  });

  async function notifier(): Promise<AlertNotifier> {
    const n = createAlertNotifier({
      sql: t.deps.sql, publicUrl: PUBLIC_URL, origin: t.deps.origin,
      issues: { gitlab: createGitlabClient({ url: GITLAB, token: TOKEN }), project: PROJECT, labels: ['flowtrail-alert', 'security'] },
      pollMs: 20, maxBackoffMs: 100, leaseRenewMs: 200, leaseTtlSeconds: 2,
    });
    await n.start();
    notifiers.push(n);
    return n;
  }
  const started = () => waitFor(async () => (await t.deps.sql`select 1 from alert_notifiers where channel = 'gitlab_issue'`).length === 1, 'the issue channel open');

  async function recordAlert(sessionId: string | null, data: Record<string, unknown>): Promise<number> {
    const eventId = randomUUID();
    await recordEvents(t.deps.sql, [{ eventId, type: 'duo_flow_unknown_session_reference', sessionId, occurredAt: at(30), source: 'system', data }]);
    await t.deps.integrator.integrate();
    const [row] = await t.deps.sql<{ seq: number }[]>`select seq from audit_events where event_id = ${eventId}`;
    return Number(row!.seq);
  }
  const recorded = async (seq: number) => (await t.deps.sql<{ gitlabIssueIid: number | null; gitlabIssueUrl: string | null; attempts: number }[]>`
    select gitlab_issue_iid::int as gitlab_issue_iid, gitlab_issue_url, attempts from alert_notifications where alert_seq = ${seq} and channel = 'gitlab_issue'`)[0];

  it('opens one readable issue per alert, links it back to flowtrail, and shows its iid on the alert', async () => {
    const gitlab = fakeIssues();
    msw.use(...gitlab.handlers);
    await notifier();
    await started();
    await t.ingest([startedEvent('is-1', at(0), { project: { id: 4821, path: 'acme-platform/payments-api' } })]);
    const seq = await recordAlert('is-1', { reference: 'Flowtrail-Session: 99 @all /close #1', reason: 'no such session | `code` ```' });
    await waitFor(async () => (await recorded(seq))?.gitlabIssueIid != null, 'the issue recorded on the alert');
    expect(gitlab.issues).toHaveLength(1);
    const issue = gitlab.issues[0]!;
    expect(issue.title).toBe(`flowtrail alert #${seq}: unknown session reference in acme-platform/payments-api (session is-1)`);
    expect(issue.labels).toBe('flowtrail-alert,security');
    expect(issue.description).toContain(`${PUBLIC_URL}/-/duo/sessions/is-1`);
    expect(issue.description).toContain(`<!-- ${issueMarker(t.deps.origin, seq)} -->`);
    // What a person chose is in code spans (no mention, reference or quick action) and cannot end a cell or the fence.
    expect(issue.description).toContain("| Detail | `no such session \\| 'code' '''` |");
    expect(issue.description.split('\n').filter((l) => l.startsWith('/'))).toEqual([]);
    expect(issue.description).toMatch(/^````json$/m);
    expect(await recorded(seq)).toMatchObject({ gitlabIssueIid: 1, gitlabIssueUrl: `${GITLAB}/${PROJECT}/-/issues/1`, attempts: 1 });
    // The first try needs no search.
    expect(gitlab.calls).toEqual(['POST 1']);
    const auditor = await t.token('auditor');
    const listed = (await (await t.get('/api/v1/alerts', auditor)).json()) as { alerts: { id: number; gitlab_issue: unknown; notified_at: unknown }[] };
    expect(listed.alerts.find((a) => a.id === seq)).toMatchObject({ gitlab_issue: { iid: 1, url: `${GITLAB}/${PROJECT}/-/issues/1` }, notified_at: null });
  });

  it('opens no second issue when GitLab made the first but its answer was lost: the retry finds it by its marker', async () => {
    const gitlab = fakeIssues({ loseAnswers: 1 });
    msw.use(...gitlab.handlers);
    await notifier();
    await started();
    const seq = await recordAlert(null, { reference: 'x', reason: 'lost answer' });
    await waitFor(async () => (await recorded(seq))?.gitlabIssueIid != null, 'the issue recorded on the alert');
    expect(gitlab.issues).toHaveLength(1);
    expect(await recorded(seq)).toMatchObject({ gitlabIssueIid: 1, attempts: 2 });
    expect(gitlab.calls).toEqual(['POST 1', `GET search=${issueMarker(t.deps.origin, seq)} in=description`]);
  });

  it('after a crash between opening an issue and recording it, the restart finds it, and a near-miss marker does not count', async () => {
    const gitlab = fakeIssues();
    msw.use(...gitlab.handlers);
    // The channel had reached the end of the log; then an alert came, and a try opened its issue and died.
    const [{ size }] = await t.deps.sql<{ size: number }[]>`select size from log_state where id = 1`;
    await t.deps.sql`insert into alert_notifiers (channel, cursor_seq) values ('gitlab_issue', ${Number(size) - 1})`;
    const seq = await recordAlert(null, { reference: 'y', reason: 'crash' });
    await t.deps.sql`insert into alert_notifications (alert_seq, channel, attempts) values (${seq}, 'gitlab_issue', 1)`;
    const marker = issueMarker(t.deps.origin, seq);
    // Someone else's issue whose marker only starts the same (alert 10 * seq), and the one the dead try opened.
    gitlab.issues.push({ iid: 7, title: 'other', description: `<!-- ${marker}0 -->`, labels: '', web_url: `${GITLAB}/${PROJECT}/-/issues/7` });
    gitlab.issues.push({ iid: 8, title: 'ours', description: `text\n\n<!-- ${marker} -->`, labels: '', web_url: `${GITLAB}/${PROJECT}/-/issues/8` });
    await notifier();
    await waitFor(async () => (await recorded(seq))?.gitlabIssueIid != null, 'the issue recorded on the alert');
    expect(await recorded(seq)).toMatchObject({ gitlabIssueIid: 8, gitlabIssueUrl: `${GITLAB}/${PROJECT}/-/issues/8` });
    expect(gitlab.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('keeps trying while GitLab refuses (429, 500, a dropped connection), in order, and opens each issue once', async () => {
    const gitlab = fakeIssues();
    let refusals = 0;
    const answers = [
      () => HttpResponse.json({ message: 'Retry later' }, { status: 429, headers: { 'retry-after': '1' } }),
      () => HttpResponse.json({ message: '500 Internal Server Error' }, { status: 500 }),
      () => HttpResponse.error(),
    ];
    msw.use(http.post(api('/projects/:id/issues'), () => (refusals < answers.length ? answers[refusals++]!() : undefined)), ...gitlab.handlers);
    await notifier();
    await started();
    const first = await recordAlert(null, { reference: 'a', reason: 'first' });
    const second = await recordAlert(null, { reference: 'b', reason: 'second' });
    await waitFor(async () => (await recorded(second))?.gitlabIssueIid != null, 'both issues');
    expect(refusals).toBe(3);
    expect(gitlab.issues.map((i) => i.title.split(':')[0])).toEqual([`flowtrail alert #${first}`, `flowtrail alert #${second}`]);
    const [channel] = await t.deps.sql<{ failuresTotal: number; failingSince: Date | null; lastError: string | null }[]>`select failures_total, failing_since, last_error from alert_notifiers where channel = 'gitlab_issue'`;
    expect(channel).toMatchObject({ failuresTotal: 3, failingSince: null, lastError: null });
  });
});
