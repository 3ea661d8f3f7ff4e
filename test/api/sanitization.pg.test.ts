import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { fixture } from '../support/fixtures.js';
import { createApp } from '../../src/app.js';

// Secrets and personal data as they show up in prompts, plans, errors and GitLab payloads.
const SECRETS = [
  'glpat-Xq7vB2nL9kR4mT1wZ8pC',
  'ghp_4fT9kLmN2pQrS7uVwXyZ1aBcDeFgHiJk0lMn',
  'AKIAIOSFODNN7EXAMPLF',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
  'sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa-ZZZZZZZZ',
  'xoxb-2048123456-4096123456789-Ab3dEf6hIj9kLm2nOp5qRs8t',
  'Hunter2-staging-pw',
  'dana.whitfield@acme.example',
  '4111 1111 1111 1111',
  'GB82 WEST 1234 5698 7654 32',
  '078-05-1120',
  '+1 415 555 0142',
  '203.0.113.24',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
];

describe('sanitization before storage', () => {
  const t = useTestApp();

  it('leaves none of the secrets or personal data in any table', async () => {
    const text = (i: number) => `step ${i}: ${SECRETS.join(' | ')} and postgres://ledger:Hunter2-staging-pw@db.internal:5432/ledger`;
    await t.ingest([
      startedEvent('z1', at(0), { input_prompt: text(0), input_summary: text(1), input_context: { env: { DATABASE_URL: 'postgres://app:Hunter2-staging-pw@db/x', nested: [text(2)] } } }),
      flowEvent('duo_flow_plan_generated', 'z1', at(1), { plan_steps: [text(3), { description: text(4) }], plan_summary: text(5) }),
      flowEvent('duo_flow_decision_logged', 'z1', at(2), { step: 1, decision: text(6), rationale: text(7), alternatives: [text(8)] }),
      flowEvent('duo_flow_failed', 'z1', at(3), { error_category: 'tool', error_code: 'E', error_message: text(9), failed_at_step: 1 }),
    ]);
    const ai = fixture('ai_event_tool_invoked.streamed');
    (ai.details as Record<string, unknown>).tool_args = { title: text(10), password: 'Hunter2-staging-pw' };
    await t.app.request('/webhooks/gitlab/audit-events', { method: 'POST', headers: { 'x-gitlab-event-streaming-token': STREAMING_TOKEN }, body: JSON.stringify(ai) });
    await t.deps.integrator.integrate();
    const tables = await t.deps.sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public'`;
    let dump = '';
    for (const { tablename } of tables) {
      const rows = await t.deps.sql.unsafe(`select * from "${tablename}"`);
      dump += JSON.stringify(rows, (_k, v: unknown) => (v instanceof Buffer ? v.toString('hex') : v));
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const s of SECRETS) expect(dump, s).not.toContain(s);
    expect(dump).not.toContain('Hunter2');
    expect(dump).toContain('[REDACTED:');
  });
});

describe('sanitization configured from the environment', () => {
  const t = useTestApp({
    FLOWTRAIL_SANITIZER_PATTERNS: JSON.stringify([{ kind: 'ticket_secret', pattern: 'TKT-[0-9]{6}' }]),
    FLOWTRAIL_SANITIZER_ALLOWLIST: JSON.stringify(['192\\.0\\.2\\.1']),
  });

  it('applies custom patterns and the allowlist to what is stored', async () => {
    await t.ingest(startedEvent('cfg', at(0), { input_prompt: 'Rotate TKT-123456 on 192.0.2.1 and 192.0.2.7' }));
    const res = await t.get('/api/v1/sessions/cfg', await t.token('auditor'));
    const { timeline } = (await res.json()) as { timeline: { data: { input_prompt: string } }[] };
    expect(timeline[0]!.data.input_prompt).toMatch(/^Rotate \[REDACTED:ticket_secret:[0-9a-f]{8}\] on 192\.0\.2\.1 and \[REDACTED:ip_address:[0-9a-f]{8}\]$/);
  });

  it('rejects an event whose sanitization fails instead of storing it raw', async () => {
    // The same app with a sanitizer that fails: the dependency is injected, as in production.
    const failing = { ...t.deps.sanitizer, sanitizeValue: () => { throw new Error('detector failed'); } };
    const app = createApp({ ...t.deps, sanitizer: failing });
    const token = await t.token('ingest');
    const res = await app.request('/api/v1/flow-events', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([startedEvent('raw', at(0), { input_prompt: 'glpat-Xq7vB2nL9kR4mT1wZ8pC' })]),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0, error: 'sanitization failed; the event was not stored' }] });
    const rows = await t.deps.sql`select count(*)::int as n from audit_events where session_id = 'raw'`;
    expect(rows[0]!.n).toBe(0);
  });
});
