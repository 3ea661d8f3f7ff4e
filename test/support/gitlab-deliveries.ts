import type { GitlabClient } from '../../src/gitlab/index.js';
import type { TestApp } from './app.js';

/** GitLab's webhook deliveries to the app (with the given secret), and its worker run until retries brought forward are done too. */
export function gitlabDeliveries(t: TestApp, secret: string, gitlab: GitlabClient) {
  return {
    deliver: (event: string, body: unknown, key: string) =>
      t.app.request('/webhooks/gitlab', { method: 'POST', headers: { 'X-Gitlab-Event': event, 'X-Gitlab-Token': secret, 'Idempotency-Key': key }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    async work() {
      const runner = t.jobRunner(gitlab, { baseDelayMs: 60_000 });
      await runner.runDue();
      await t.deps.sql`update jobs set run_at = now() where state = 'pending'`;
      await runner.runDue();
    },
  };
}
