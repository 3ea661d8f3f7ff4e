import { readFileSync } from 'node:fs';
import { STREAMING_TOKEN, type TestApp } from './app.js';
import { fixtureText } from './fixtures.js';

const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
/** The webhook secret the fixtures were recorded with: give it to useTestApp as FLOWTRAIL_WEBHOOK_SECRET. */
export const WEBHOOK_SECRET = (JSON.parse(readFileSync(new URL('headers.json', dir), 'utf8')) as { _fixture_secret_token: string })._fixture_secret_token;

// The push fixture's commit carries session 9137's trailer; merge request acme-platform/payments-api!57 is on its branch.
export const TRAILER_SHA = 'defd29c1b0a67c60ec110c86ac0f047f50603595';
export const MERGE_SHA = 'c'.repeat(40);
export const SQUASH_SHA = 'd'.repeat(40);

/** Session 9137 through GitLab's own payloads: started, its trailer commit pushed, !57 opened and merged (merge and squash commits linked). */
export async function seedLinkedSession(t: TestApp): Promise<void> {
  const deliver = (event: string, body: unknown, key: string) =>
    t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': event, 'X-Gitlab-Token': WEBHOOK_SECRET, 'Idempotency-Key': key }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const mr = JSON.parse(readFileSync(new URL('merge_request_open.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;
  await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
  await t.deps.integrator.integrate();
  await deliver('Push Hook', readFileSync(new URL('push.json', dir), 'utf8'), 'push');
  await t.jobRunner(null).runDue();
  const merged = structuredClone(mr);
  merged.object_attributes = { ...merged.object_attributes, action: 'merge', state: 'merged', merge_commit_sha: MERGE_SHA, squash_commit_sha: SQUASH_SHA, updated_at: '2026-03-10 15:30:00 UTC' };
  await deliver('Merge Request Hook', mr, 'mr-open');
  await deliver('Merge Request Hook', merged, 'mr-merge');
  await t.jobRunner(null).runDue();
  await t.deps.integrator.integrate();
}
