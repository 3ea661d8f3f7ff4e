// The chaos harness's checks must be able to fail: a lost event, a lost
// delivery, a write-back done twice or not at all, a dead letter, an error in
// a replica's log. Each is planted here and must be reported.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkDatabase, checkLogs } from '../../bench/chaos/checks.js';
import { createLedger } from '../../bench/chaos/sender.js';
import { useTestApp } from '../support/app.js';
import { startedEvent } from '../support/flow-events.js';

const failing = (checks: { name: string; ok: boolean }[]) => checks.filter((c) => !c.ok).map((c) => c.name);
const quietGitlab = () => ({ footers: new Map<string, number>(), notes: new Map<string, number>(), calls: new Map<string, number>(), unknown: [] as string[] });

describe('chaos checks', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: 'chaos-checks-secret' });

  it('pass when everything acknowledged is stored once and every write-back happened once', async () => {
    const e = startedEvent('9137', new Date().toISOString());
    expect((await t.ingest([e])).status).toBe(202);
    // The authorization check the start queued is not what this test is about.
    await t.deps.sql`update jobs set state = 'done', finished_at = now()`;
    const ledger = createLedger();
    ledger.events.set(String(e.event_id), 'duo_flow_started');
    ledger.writeBacks.add('4821/57#9137');
    const gitlab = { ...quietGitlab(), footers: new Map([['4821/57#9137', 1]]), notes: new Map([['4821/57#9137', 1]]) };
    const { checks, figures } = await checkDatabase(t.deps.sql, ledger, gitlab);
    expect(failing(checks)).toEqual([]);
    expect(figures).toMatchObject({ acknowledged: 1, stored: 1, lost: 0, duplicated: 0, writeBacksExpected: 1, writeBacksDone: 1 });
  });

  it('report an acknowledged event and delivery that are not stored as lost', async () => {
    const ledger = createLedger();
    ledger.events.set(randomUUID(), 'duo_flow_started');
    ledger.deliveries.set('x-gitlab-event-uuid:0000', 'Push Hook');
    const { checks, figures } = await checkDatabase(t.deps.sql, ledger, quietGitlab());
    expect(failing(checks)).toEqual(['every acknowledged event stored (lost = 0)', 'every acknowledged delivery stored (lost = 0)']);
    expect(figures.lost).toBe(2);
  });

  it('report a footer written twice, a note never written and a write nobody expected', async () => {
    const ledger = createLedger();
    ledger.writeBacks.add('4821/57#9137');
    ledger.writeBacks.add('4821/58#9138');
    const gitlab = { ...quietGitlab(), footers: new Map([['4821/57#9137', 2], ['4821/58#9138', 1], ['4821/59#9139', 1]]), notes: new Map([['4821/57#9137', 1]]) };
    const { checks, figures } = await checkDatabase(t.deps.sql, ledger, gitlab);
    const writeBack = checks.find((c) => c.name.startsWith('every write-back'))!;
    expect(writeBack.ok).toBe(false);
    expect(writeBack.detail).toContain('4821/57#9137: 2 footers, 1 notes');
    expect(writeBack.detail).toContain('4821/58#9138: 1 footers, 0 notes');
    expect(writeBack.detail).toContain('4821/59#9139: 1 footers, 0 notes (not expected)');
    expect(figures.writeBacksDone).toBe(0);
  });

  it('report an authorization check recorded twice for one session and a footer restore nobody caused', async () => {
    const at = new Date().toISOString();
    const system = (type: string, sessionId: string, data: Record<string, unknown>) => ({ eventId: randomUUID(), type, sessionId, occurredAt: at, source: 'system', data });
    await t.deps.integrator.append([
      system('duo_flow_authorization_verified', '9137', { verified_at: at, method: 'gitlab_api', access_level: 30 }),
      system('duo_flow_authorization_unverified', '9137', { reason: 'GitLab answered 500' }),
      system('duo_flow_footer_restored', '9138', { merge_request_iid: '57', restored: true }),
    ] as Parameters<typeof t.deps.integrator.append>[0]);
    const { checks, figures } = await checkDatabase(t.deps.sql, createLedger(), quietGitlab());
    expect(failing(checks)).toEqual(['nothing stored twice (duplicated = 0)']);
    expect(checks.find((c) => c.name.startsWith('nothing stored twice'))!.detail).toMatch(/session 9137: authorization x2.*session 9138: duo_flow_footer_restored x1|session 9138: duo_flow_footer_restored x1.*session 9137: authorization x2/);
    expect(figures.duplicated).toBe(2);
  });

  it('report a dead letter and a job left pending', async () => {
    await t.deps.sql`insert into jobs (name, payload, state, last_error) values ('write_back_merge_request', '{}'::jsonb, 'dead', 'GitLab answered 500'), ('gitlab.delivery', '{}'::jsonb, 'pending', null)`;
    const { checks } = await checkDatabase(t.deps.sql, createLedger(), quietGitlab());
    expect(failing(checks)).toEqual(['no dead letter (jobs dead = 0)', 'the job queue drained (jobs pending = 0)']);
    expect(checks.find((c) => c.name.startsWith('no dead letter'))!.detail).toContain('GitLab answered 500');
  });

  it('report an unhandled rejection and an error line in a replica log, and pass info lines', () => {
    const line = (text: string, stream: 'stdout' | 'stderr' = 'stdout') => ({ replica: 1, generation: 2, stream, text });
    expect(failing(checkLogs([line('{"level":30,"msg":"flowtrail is listening"}'), line('{"level":40,"msg":"the role could change the log"}')]))).toEqual([]);
    expect(failing(checkLogs([line('{"level":50,"msg":"job failed"}')]))).toEqual(['no unexpected error (pino level >= 50) in any replica log']);
    expect(failing(checkLogs([line('{"level":60,"msg":"unhandledRejection","err":{}}')]))).toEqual([
      'no unhandled rejection or uncaught exception in any replica log', 'no unexpected error (pino level >= 50) in any replica log',
    ]);
    expect(failing(checkLogs([line('TypeError: x is not a function', 'stderr')]))).toEqual(['no unexpected error (pino level >= 50) in any replica log']);
  });
});
