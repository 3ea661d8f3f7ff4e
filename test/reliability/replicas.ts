import { readFileSync } from 'node:fs';
import type { GitlabClient } from '../../src/gitlab/index.js';
import { createJobHandlers, JobRunner, type JobRunnerOptions } from '../../src/jobs/index.js';
import { createIntegrator } from '../../src/log/index.js';
import { connect, type Pool } from '../../src/store/index.js';
import { STREAMING_TOKEN, type TestApp } from '../support/app.js';
import { fixtureText } from '../support/fixtures.js';

// Workers as separate replicas run them: on PostgreSQL each has its own
// connections and its own integrator; on PGlite (one connection) they share
// the test's pool, as the workers of one process would.

const dir = new URL('../fixtures/gitlab-webhooks/', import.meta.url);
export const PUSH_BODY = readFileSync(new URL('push.json', dir), 'utf8');
export const MR_OPEN = JSON.parse(readFileSync(new URL('merge_request_open.json', dir), 'utf8')) as Record<string, Record<string, unknown>>;
export const MR_DESCRIPTION = String(MR_OPEN.object_attributes!.description);
export const WEBHOOK_SECRET = 'reliability-secret';

export interface Replica {
  runner: JobRunner;
  close(): Promise<void>;
}

export function startReplica(t: TestApp, gitlab: GitlabClient | null, options: Partial<JobRunnerOptions> = {}): Replica {
  const d = t.deps;
  let sql: Pool = d.sql;
  let integrator = d.integrator;
  if (t.dbUrl !== undefined) {
    sql = connect(t.dbUrl, 2);
    integrator = createIntegrator({ sql, signer: t.signer, origin: d.origin, checkpointEvents: d.config.integrity.checkpointEvents, checkpointIntervalMs: 60_000 });
  }
  const runner = new JobRunner({ sql, handlers: createJobHandlers({ config: d.config, sql, integrator, sanitizer: d.sanitizer, gitlab }), busyShare: 1, ...options });
  return {
    runner,
    async close() {
      await runner.stop();
      if (sql !== d.sql) await sql.end();
    },
  };
}

/** Runs every replica's due jobs at once, round after round, bringing retries forward, until no job is pending. Answers the rounds taken. */
export async function drain(t: TestApp, replicas: readonly Replica[], maxRounds = 300): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    await Promise.all(replicas.map((r) => r.runner.runDue()));
    const [pending] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from jobs where state = 'pending'`;
    if (pending!.n === 0) return round;
    await t.deps.sql`update jobs set run_at = now() where state = 'pending' and run_at > now()`;
  }
  throw new Error(`jobs still pending after ${maxRounds} rounds`);
}

export function deliver(t: TestApp, event: string, body: unknown, key: string): Promise<Response> {
  return Promise.resolve(t.app.request('/webhooks/gitlab', {
    method: 'POST', headers: { 'X-Gitlab-Event': event, 'X-Gitlab-Token': WEBHOOK_SECRET, 'Idempotency-Key': key },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }));
}

/** An MR delivery for merge request `iid` on the session's branch, with overrides of its attributes. */
export function mrDelivery(iid: number, attributes: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const body = structuredClone(MR_OPEN) as Record<string, unknown>;
  body.object_attributes = { ...MR_OPEN.object_attributes, iid, id: 310000 + iid, ...attributes };
  return { ...body, ...extra };
}

/** Session 9137 started (audit stream) and its commits pushed to the MR's branch, so MRs on that branch correlate to it. */
export async function seedSession(t: TestApp, replicas: readonly Replica[]): Promise<void> {
  await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: fixtureText('audit_duo_session_started') });
  await t.deps.integrator.integrate();
  await deliver(t, 'Push Hook', PUSH_BODY, 'push');
  await drain(t, replicas);
}
