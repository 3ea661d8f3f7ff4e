import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { schedulePendingSpanSweep, sweepPendingSpans } from '../../src/jobs/index.js';
import { useTestApp } from '../support/app.js';
import { agentRun, newTraceId, otlpJson } from '../support/otlp-json.js';

const RESOURCE = { 'service.name': 'release-bot', 'enduser.id': 'mkowalski', 'vcs.repository.url.full': 'https://gitlab.example.com/acme-platform/ledger.git' };

describe('the daily sweep of OTLP spans kept too long', () => {
  const t = useTestApp();
  const post = async (body: unknown) => {
    const res = await t.app.request('/v1/traces', { method: 'POST', headers: { Authorization: `Bearer ${await t.token('ingest')}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(await res.json()).toEqual({});
  };
  const kept = async () => (await t.deps.sql<{ traceId: string; role: string }[]>`select trace_id, role from otlp_pending_spans order by trace_id, role`).map((r) => `${r.traceId.slice(0, 6)} ${r.role}`);

  it('drops children whose session span never came and forgets old session spans, recording every dropped span; recent ones stay and still join', async () => {
    const orphan = newTraceId();
    const orphanRun = agentRun(Date.now() - 40 * 3_600_000, undefined, 'conv-orphan');
    await post(otlpJson(orphan, RESOURCE, [orphanRun.chat, orphanRun.tool, orphanRun.guard]));
    const done = newTraceId();
    const doneRun = agentRun(Date.now() - 40 * 3_600_000, undefined, 'conv-done');
    await post(otlpJson(done, RESOURCE, [doneRun.root, doneRun.chat]));
    const fresh = newTraceId();
    const freshRun = agentRun(Date.now() - 60_000, undefined, 'conv-fresh');
    await post(otlpJson(fresh, RESOURCE, [freshRun.tool]));
    await t.deps.sql`update otlp_pending_spans set received_at = now() - interval '30 hours' where trace_id in (${orphan}, ${done})`;

    const r = await sweepPendingSpans(t.deps.sql, 24);
    expect(r).toMatchObject({ dropped: 3, traces: 1, sessionsForgotten: 1 });
    expect(await kept()).toEqual([`${fresh.slice(0, 6)} waiting`]);

    // The record an auditor reads: every dropped span by trace, span, operation and tool, with the cutoff.
    await t.deps.integrator.integrate();
    const res = await t.get('/api/v1/audit-events?type=otlp_spans_dropped', await t.token('auditor'));
    const { events } = (await res.json()) as { events: { type: string; source: string; session_id: string | null; data: Record<string, unknown> }[] };
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ source: 'system', session_id: null, data: { spans: 3, traces: 1, pending_hours: 24, cutoff: r.cutoff } });
    const dropped = events[0]!.data.dropped as { trace_id: string; span_id: string; operation: string; tool: string | null; service_name: string }[];
    expect(dropped.map((d) => [d.trace_id, d.span_id, d.operation, d.tool, d.service_name]).sort()).toEqual([
      [orphan, orphanRun.guard.spanId, 'apply_guardrail', null, 'release-bot'],
      [orphan, orphanRun.chat.spanId, 'chat', null, 'release-bot'],
      [orphan, orphanRun.tool.spanId, 'execute_tool', 'run_tests', 'release-bot'],
    ].sort());

    // A second run finds nothing and records nothing.
    expect(await sweepPendingSpans(t.deps.sql, 24)).toMatchObject({ dropped: 0, traces: 0, sessionsForgotten: 0 });
    await t.deps.integrator.integrate();
    expect(await t.deps.sql`select count(*)::int as n from audit_events where type = 'otlp_spans_dropped'`).toEqual([{ n: 1 }]);

    // The recent child still joins its session when the session span comes.
    await post(otlpJson(fresh, RESOURCE, [freshRun.root]));
    const s = (await (await t.get('/api/v1/sessions/otlp%3Aconv-fresh', await t.token('auditor'))).json()) as { timeline: { type: string; data: { decision?: string } }[] };
    expect(s.timeline.filter((e) => e.type === 'duo_flow_decision_logged').map((e) => e.data.decision)).toEqual(['tool run_tests']);
  });

  it('runs as the scheduled task and counts the drop in flowtrail_otlp_spans_dropped_total', async () => {
    const orphan = newTraceId();
    const run = agentRun(Date.now() - 3 * 3_600_000, undefined, 'conv-orphan-2');
    await post(otlpJson(orphan, RESOURCE, [run.chat, run.tool]));
    await t.deps.sql`update otlp_pending_spans set received_at = now() - interval '2 hours'`;
    // A bound of one hour: both children are over it.
    const task = schedulePendingSpanSweep({ sql: t.deps.sql, metrics: t.deps.metrics, hours: 1 }, createLogger('silent'));
    expect(task.name).toBe('otlp_pending_spans');
    await task.run();
    expect(await kept()).toEqual([]);
    expect(await t.deps.metrics.render()).toMatch(/^flowtrail_otlp_spans_dropped_total 2$/m);
  });
});
