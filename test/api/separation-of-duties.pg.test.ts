import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';

const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
const secret = (JSON.parse(readFileSync(new URL('headers.json', dir), 'utf8')) as { _fixture_secret_token: string })._fixture_secret_token;
const mrBody = JSON.parse(readFileSync(new URL('merge_request_open.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;

describe('separation of duties on agent merge requests', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: secret });
  const deliver = async (key: string, action: string, user: Record<string, unknown>) => {
    const body = structuredClone(mrBody);
    body.project = { ...body.project, id: 4821, path_with_namespace: 'acme-platform/payments-api' };
    body.object_attributes = { ...body.object_attributes, iid: 61, action, source_branch: 'feature/sod', state: action === 'merge' ? 'merged' : 'opened',
      description: 'Rounding fix\n\n<!-- flowtrail:session=sod-1 -->' };
    body.user = user;
    const res = await t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': 'Merge Request Hook', 'X-Gitlab-Token': secret, 'Idempotency-Key': key }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    await t.jobRunner(null).runDue();
    await t.deps.integrator.integrate();
  };
  const violations = async () => (await t.deps.sql`select session_id, leaf from audit_events where type = 'duo_flow_separation_of_duties_violation' order by seq`)
    .map((r) => ({ session: r.sessionId as string, ...(JSON.parse(r.leaf as string).data as { action: string; actor: { id: string; username: string } }) }))
    .map((v) => [v.session, v.action, v.actor.id]);

  it('alerts when the person who started the session approves or merges its merge request, once per action, and not for anyone else', async () => {
    expect((await t.ingest([startedEvent('sod-1', at(0))])).status).toBe(202); // started by dwhitfield, GitLab user 1187
    await deliver('a-1', 'approval', { id: 2231, username: 'mchen', name: 'Ming Chen' });
    // A different account that calls itself dwhitfield is not her: GitLab's user id decides.
    await deliver('a-2', 'approval', { id: 9999, username: 'dwhitfield', name: 'Dana Whitfield' });
    expect(await violations()).toEqual([]);
    await deliver('a-3', 'approved', { id: 1187, username: 'dwhitfield', name: 'Someone Else' });
    await deliver('a-3-again', 'approved', { id: 1187, username: 'dwhitfield', name: 'Dana Whitfield' });
    await deliver('m-1', 'merge', { id: 1187, username: 'dwhitfield', name: 'Dana Whitfield' });
    expect(await violations()).toEqual([['sod-1', 'approved', '1187'], ['sod-1', 'merged', '1187']]);
    // It is an alert: the dashboard and the alerts API count it.
    const admin = await t.token('admin');
    const alerts = (await (await t.get('/api/v1/alerts', admin)).json()) as { alerts: { type: string; state: string }[] };
    expect(alerts.alerts.filter((a) => a.type === 'duo_flow_separation_of_duties_violation').map((a) => a.state)).toEqual(['open', 'open']);
  });
});
