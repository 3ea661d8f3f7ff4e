import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from './decode-trace-request.js';
import { mapSpans } from './map-spans.js';
import type { OtlpSpan } from './otlp-span.js';
import { renderMappingTables } from './render-mapping-tables.js';

const fixture = readFileSync(new URL('../../test/fixtures/otlp/workflow-trace.json', import.meta.url));

describe('mapping GenAI spans written as the semantic conventions describe them', () => {
  const decoded = decodeTraceRequest(fixture, 'json');
  if (!decoded.ok) throw new Error(decoded.error);
  const mapped = mapSpans(decoded.spans, { projectMap: [] });
  const byType = (type: string) => mapped.events.filter((e) => e.value.type === type).map((e) => e.value);

  it('reads the OTLP/JSON fixture through the generated decoder: hex ids of either case, int64 as string or number, enum names', () => {
    expect(decoded.problems).toEqual([]);
    expect(decoded.spans).toHaveLength(6);
    expect(decoded.spans[0]).toMatchObject({ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', parentSpanId: null, startMs: 1764748800000, status: { code: 2 } });
    expect(decoded.spans[3]!.status.code).toBe(2);
    expect(decoded.spans[2]!.attributes['gen_ai.usage.completion_tokens']).toBe(64);
  });

  it('makes the outermost invoke_workflow the session, keyed by the conversation id, failed with its error.type', () => {
    expect(mapped.rejected).toEqual([]);
    expect(mapped.waiting).toEqual([]);
    expect(mapped.ignored).toBe(1);
    const [started] = byType('duo_flow_started');
    expect(started).toMatchObject({
      session_id: 'otlp:thread_8Hf2', occurred_at: '2025-12-03T08:00:00.000Z', flow_type: 'otlp:invoke_workflow',
      user: { id: 'pnakamura', username: 'pnakamura' }, agent: { username: 'triage' }, project: { path: 'acme-platform/support-bot' },
    });
    expect(byType('duo_flow_failed')).toEqual([expect.objectContaining({
      occurred_at: '2025-12-03T08:00:30.000Z', error_category: 'timeout', error_code: 'timeout', error_message: 'the ticket system did not answer in 30 s',
      usage: { input_tokens: 512, output_tokens: 64 },
    })]);
  });

  it('turns the nested agent, the model call, the tool call and the guardrail into decisions with their fields', () => {
    const decisions = byType('duo_flow_decision_logged');
    expect(decisions.map((d) => d.decision)).toEqual(['invoke_agent Classifier', 'model call mistral-large', 'tool lookup_ticket', 'guardrail PII filter: modify']);
    expect(decisions[1]).toMatchObject({ step: 'chat mistral-large', usage: { input_tokens: 512, output_tokens: 64 }, detail: { kind: 'model_call', provider: 'mistral_ai', finish_reasons: ['stop'], output_messages: [{ role: 'assistant', parts: [{ type: 'text', content: 'billing' }] }] } });
    expect(decisions[2]).toMatchObject({ detail: { kind: 'tool_call', status: 'error', error: 'timeout', tool: { name: 'lookup_ticket', call_id: 'call_VSPygqKTWdrhaFErNvMV18Yl', type: 'function' }, arguments: { ticket: 'SUP-4411' } } });
    expect(decisions[3]).toMatchObject({ rationale: 'an email address in the answer', detail: { kind: 'guardrail', verdict: 'modify', target: 'llm_output', policy: 'pii-v3' } });
  });

  it('gives the same event ids to the same spans sent again', () => {
    const again = mapSpans(decodeTraceRequest(fixture, 'json').ok ? (decodeTraceRequest(fixture, 'json') as { spans: never[] }).spans : [], { projectMap: [] });
    expect(again.events.map((e) => e.value.event_id)).toEqual(mapped.events.map((e) => e.value.event_id));
  });

  it('refuses a session without a project in words, and takes the project map before the repository URL', () => {
    const spans = decoded.spans.map((s) => ({ ...s, resource: { 'service.name': 'triage-workflow' } }));
    expect(mapSpans(spans, { projectMap: [] }).rejected[0]!.error).toMatch(/names no project/);
    const mappedByService = mapSpans(decoded.spans, { projectMap: [{ key: 'triage-workflow', project: 'support/triage' }] });
    expect(mappedByService.events[0]!.value).toMatchObject({ project: { path: 'support/triage' } });
  });
});

describe('docs/otel.md', () => {
  it('shows the mapping tables as the code renders them', () => {
    const doc = readFileSync(new URL('../../docs/otel.md', import.meta.url), 'utf8');
    const start = doc.indexOf('<!-- mapping tables: generated from src/otlp/genai-attributes.ts -->');
    const end = doc.indexOf('<!-- end of mapping tables -->');
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start, end).split('\n').slice(1).join('\n').trim()).toBe(renderMappingTables().trim());
  });

  it('takes run_guardrail spans with the older guardrail names too: the verdict and the action in words', () => {
    const span = (spanId: string, parent: string | null, name: string, attributes: Record<string, string>): OtlpSpan => ({
      traceId: 'ab'.repeat(16), spanId, parentSpanId: parent, name, kind: 1, startMs: 1_764_748_800_000, endMs: 1_764_748_801_000, attributes,
      resource: { 'vcs.repository.url.full': 'https://gitlab.example.com/acme/payments-api.git' }, status: { code: 0, message: '' }, events: [],
    });
    const out = mapSpans([
      span('1'.repeat(16), null, 'invoke_agent Refunds', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Refunds' }),
      span('2'.repeat(16), '1'.repeat(16), 'run_guardrail Refund limit', {
        'gen_ai.operation.name': 'run_guardrail', 'gen_ai.guardrail.name': 'Refund limit', 'gen_ai.guardrail.decision': 'deny',
        'gen_ai.security.decision.reason': 'the refund exceeds the limit of 500 EUR', 'gen_ai.security.policy.id': 'refunds-v2',
      }),
    ], { projectMap: [] });
    const decision = out.events.find((e) => e.value.type === 'duo_flow_decision_logged')!.value;
    expect(decision).toMatchObject({
      decision: 'guardrail Refund limit: deny', rationale: 'the refund exceeds the limit of 500 EUR',
      detail: { kind: 'guardrail', guardrail: 'Refund limit', verdict: 'deny', policy: 'refunds-v2' },
    });
  });
});
