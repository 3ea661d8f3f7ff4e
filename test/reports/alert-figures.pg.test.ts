import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/events.js';
import { placeLegalHold, recordEvents } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { PERIOD } from './history.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/oscal/oscal_complete_schema-1.1.3.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateOscal = ajv.compile(schema);

type Json = Record<string, unknown>;
const march = (day: number, hour: number) => new Date(Date.UTC(2026, 2, day, hour)).toISOString();
const system = (type: NewEvent['type'], occurredAt: string, data: Json, projectPath: string | null = null): NewEvent =>
  ({ eventId: randomUUID(), type, sessionId: null, occurredAt, source: 'system', data, ...(projectPath === null ? {} : { projectPath }) });
const untraced = (at: string, n: number) => system('duo_flow_untraced_agent_commit', at, { sha: n.toString(16).padStart(40, 'e'), reason: 'no trailer' }, 'acme/web');
const forged = (at: string, n: number) => system('duo_flow_unknown_session_reference', at, { reference: `nope-${n}`, reason: 'no such session' });
const step = (type: 'alert_acknowledged' | 'alert_resolved', at: string, alert: { seq: number; type: string }) =>
  system(type, at, { alert_seq: alert.seq, alert_type: alert.type, actor: 'tok_auditor', reason: 'looked at it' });
const hold = (type: 'legal_hold_placed' | 'legal_hold_released', at: string, id: number, scope: string, value: string) =>
  system(type, at, type === 'legal_hold_placed' ? { hold_id: id, scope, value, reason: 'matter 17', actor: 'tok_admin' } : { hold_id: id, scope, value, actor: 'tok_admin' });

describe('evidence packs: alert states and legal holds', () => {
  const t = useTestApp();

  async function record(events: NewEvent[]): Promise<{ seq: number; type: string }[]> {
    await recordEvents(t.deps.sql, events);
    await t.deps.integrator.integrate();
    const ids = events.map((e) => e.eventId);
    const rows = await t.deps.sql<{ seq: number; type: string; eventId: string }[]>`select seq::int as seq, type, event_id from audit_events where event_id = any(${ids}::uuid[])`;
    return ids.map((id) => rows.find((r) => r.eventId === id)!);
  }
  async function pack(framework: string, from = PERIOD.from, to = PERIOD.to): Promise<{ html: string; row: (label: string) => string | undefined }> {
    const res = await t.get(`/api/v1/reports?framework=${framework}&from=${from}&to=${to}&format=html`, await t.token('auditor'));
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    const html = await res.text();
    const row = (label: string) => new RegExp(`<th>${label.replace(/[()#]/g, '\\$&')}</th><td>([^<]*)</td>`).exec(html)?.[1];
    return { html, row };
  }

  /**
   * March 2026: two untraced commits (one acknowledged after 2 h and resolved after 24 h, one acknowledged after
   * 1 h), two forged references (one resolved at once after 4 h, one raised 12 h before the end and still open),
   * a February alert acknowledged in March and a March acknowledgement that came in April (neither counts), and
   * holds: a project hold from February in force, a session hold placed and released in March, a person's hold
   * placed in March, and one placed in April.
   */
  async function handledHistory(): Promise<void> {
    const [u1, u2, r1, , feb] = await record([
      untraced(march(2, 9), 1), untraced(march(5, 9), 2), forged(march(10, 9), 1), forged(march(31, 12), 2),
      untraced(new Date(Date.UTC(2026, 1, 20)).toISOString(), 3),
    ]);
    await record([
      step('alert_acknowledged', march(2, 11), u1!), step('alert_resolved', march(3, 9), u1!),
      step('alert_acknowledged', march(5, 10), u2!), step('alert_resolved', new Date(Date.UTC(2026, 3, 3)).toISOString(), u2!),
      step('alert_resolved', march(10, 13), r1!),
      step('alert_acknowledged', march(1, 8), feb!),
      hold('legal_hold_placed', new Date(Date.UTC(2026, 1, 20)).toISOString(), 1, 'project', 'acme-platform/payments-api'),
      hold('legal_hold_placed', march(4, 9), 2, 'session', 's-1'),
      hold('legal_hold_released', march(15, 9), 2, 'session', 's-1'),
      hold('legal_hold_placed', march(25, 9), 3, 'user', 'dwhitfield'),
      hold('legal_hold_placed', new Date(Date.UTC(2026, 3, 2)).toISOString(), 4, 'project', 'acme/later'),
    ]);
  }

  it('counts raised, acknowledged, resolved and open alerts per type with the median times, and finds CC7.2 satisfied when none is overdue', async () => {
    await handledHistory();
    const { html, row } = await pack('soc2');
    expect(row('alerts raised')).toBe('4');
    expect(row('  duo_flow_untraced_agent_commit')).toBe('2 raised: 2 acknowledged, 1 resolved, 0 open (0 longer than 72 hours)');
    expect(row('  duo_flow_unknown_session_reference')).toBe('2 raised: 0 acknowledged, 1 resolved, 1 open (0 longer than 72 hours)');
    expect(row('acknowledged by the end of the period')).toBe('2');
    expect(row('resolved by the end of the period')).toBe('2');
    expect(row('still open (neither acknowledged nor resolved)')).toBe('1');
    expect(row('open longer than 72 hours')).toBe('0');
    // First responses after 2 h, 1 h and 4 h; resolutions after 24 h and 4 h.
    expect(row('median time to acknowledge')).toBe('2 h 0 min');
    expect(row('median time to resolve')).toBe('14 h 0 min');
    expect(row('states as of')).toBe('2026-04-01T00:00:00.000Z');
    expect(html).toMatch(/CC7\.2: Monitoring for anomalies[\s\S]*?<span class="satisfied">satisfied<\/span>\. no alert raised in the period was left unacknowledged for more than 72 hours: of 4, 2 acknowledged and 2 resolved by 2026-04-01T00:00:00.000Z, 1 open/);
    const iso = await pack('iso27001');
    expect(iso.html).toMatch(/A\.8\.16: Monitoring activities[\s\S]*?<span class="satisfied">satisfied<\/span>/);
  });

  it('finds CC7.2, A.8.16 and AU-6 not satisfied when an alert is left open past the deadline, saying which', async () => {
    await handledHistory();
    await record([untraced(march(20, 9), 9)]);
    const { html, row } = await pack('soc2');
    expect(row('alerts raised')).toBe('5');
    expect(row('open longer than 72 hours')).toBe('1');
    const reason = '1 of 5 alerts raised in the period were still open, neither acknowledged nor resolved, more than 72 hours after they were raised (states at 2026-04-01T00:00:00.000Z): duo_flow_untraced_agent_commit 1';
    expect(html).toContain(`CC7.2: Monitoring for anomalies`);
    expect(html).toMatch(new RegExp(`CC7\\.2[\\s\\S]*?<span class="not-satisfied">not-satisfied</span>\\. ${reason.replace(/[().]/g, '\\$&')}\\.`));
    expect((await pack('iso27001')).html).toMatch(/A\.8\.16: Monitoring activities[\s\S]*?<span class="not-satisfied">not-satisfied<\/span>\. 1 of 5 alerts/);
    expect((await pack('fedramp')).html).toMatch(/AU-6: Audit record review, analysis and reporting[\s\S]*?<span class="not-satisfied">not-satisfied<\/span>\. 1 of 5 alerts/);
  });

  it('puts the legal holds in force, placed and released into the retention and logging controls, and the OSCAL document stays schema-valid', async () => {
    await handledHistory();
    const { html, row } = await pack('fedramp');
    expect(row('legal holds in force at the end of the period')).toBe('2 (project 1, user 1)');
    expect(row('  hold #1')).toBe('project acme-platform/payments-api, placed 2026-02-20T00:00:00.000Z');
    expect(row('  hold #3')).toBe('user dwhitfield, placed 2026-03-25T09:00:00.000Z');
    expect(row('  hold #2')).toBeUndefined();
    expect(row('legal holds placed in the period')).toBe('2 (session 1, user 1)');
    expect(row('legal holds released in the period')).toBe('1 (session 1)');
    expect(html).toMatch(/AU-11: Audit record retention[\s\S]*?<span class="satisfied">satisfied<\/span>\. records are kept 365 days; 0 retention run\(s\) in the period purged 0 sessions past that age; 2 legal hold\(s\) in force at the end of the period \(project 1, user 1\) keep what they cover from retention and erasure\./);
    const iso = await pack('iso27001');
    expect(iso.row('legal holds in force at the end of the period')).toBe('2 (project 1, user 1)');
    expect(iso.html).toMatch(/A\.8\.15: Logging[\s\S]*?<span class="satisfied">satisfied<\/span>\. [^<]*; 2 legal hold\(s\) in force at the end of the period/);
    for (const framework of ['fedramp', 'iso27001', 'soc2']) {
      const res = await t.get(`/api/v1/reports?framework=${framework}&from=${PERIOD.from}&to=${PERIOD.to}&format=oscal`, await t.token('auditor'));
      const doc = (await res.json()) as { 'assessment-results': { results: { observations: { description: string }[] }[] } };
      expect(validateOscal(doc), JSON.stringify(validateOscal.errors?.slice(0, 3))).toBe(true);
      if (framework !== 'soc2') expect(doc['assessment-results'].results[0]!.observations.map((o) => o.description).join('\n')).toContain('legal holds in force at the end of the period: 2 (project 1, user 1)');
    }
  });

  it('reads what people did through the API and the holds placed today in a pack of a period not over yet', async () => {
    const now = new Date();
    const [alert] = await record([untraced(new Date(now.getTime() - 60_000).toISOString(), 42)]);
    const res = await t.app.request(`/api/v1/alerts/${alert!.seq}/acknowledge`, {
      method: 'POST', headers: { authorization: `Bearer ${await t.token('auditor')}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'looking' }),
    });
    expect(res.status).toBe(200);
    await placeLegalHold(t.deps.sql, { scope: 'session', value: 'today-1', reason: 'matter 18' }, 'tok_admin');
    await t.deps.integrator.integrate();
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const from = new Date(now.getTime() - 60_000);
    const { row } = await pack('fedramp', day(from), day(new Date(from.getTime() + 2 * 86_400_000)));
    expect(row('alerts raised')).toBe('1');
    expect(row('acknowledged by the end of the period')).toBe('1');
    expect(row('still open (neither acknowledged nor resolved)')).toBe('0');
    expect(row('legal holds in force at the end of the period')).toBe('1 (session 1)');
    expect(row('legal holds placed in the period')).toBe('1 (session 1)');
  });
});
