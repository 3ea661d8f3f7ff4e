// OTLP/JSON requests written as the GenAI semantic conventions describe the
// spans (attribute names and values from the conventions' registry), for
// tests that need exact control over which request carries which span.
import { randomBytes } from 'node:crypto';

type Value = string | number | boolean | string[];
export interface SpanSpec {
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, Value>;
  status?: { code: number; message?: string };
}

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

const anyValue = (v: Value): Record<string, unknown> =>
  Array.isArray(v) ? { arrayValue: { values: v.map((x) => ({ stringValue: x })) } }
    : typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v }
      : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
const attrs = (a: Record<string, Value>) => Object.entries(a).map(([key, value]) => ({ key, value: anyValue(value) }));
const nanos = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;

export function otlpJson(traceId: string, resource: Record<string, Value>, spans: readonly SpanSpec[]): Record<string, unknown> {
  return {
    resourceSpans: [{
      resource: { attributes: attrs(resource) },
      scopeSpans: [{
        scope: { name: 'test-agent', version: '1.0.0' },
        spans: spans.map((s) => ({
          traceId, spanId: s.spanId, ...(s.parentSpanId !== undefined ? { parentSpanId: s.parentSpanId } : {}),
          name: s.name, kind: 3, startTimeUnixNano: nanos(s.startMs), endTimeUnixNano: nanos(s.endMs),
          attributes: attrs(s.attributes), status: s.status ?? { code: 0 },
        })),
      }],
    }],
  };
}

/** One agent run: invoke_agent with a chat, a tool call and a guardrail under it. */
export function agentRun(start: number, ids = { root: newSpanId(), chat: newSpanId(), tool: newSpanId(), guard: newSpanId() }, conversation = 'conv-fixture') {
  const root: SpanSpec = {
    spanId: ids.root, name: 'invoke_agent Release helper', startMs: start, endMs: start + 5000,
    attributes: {
      'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Release helper', 'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1', 'gen_ai.conversation.id': conversation,
    },
  };
  const chat: SpanSpec = {
    spanId: ids.chat, parentSpanId: ids.root, name: 'chat gpt-4.1', startMs: start + 100, endMs: start + 900,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4.1', 'gen_ai.usage.input_tokens': 300, 'gen_ai.usage.output_tokens': 40 },
  };
  const tool: SpanSpec = {
    spanId: ids.tool, parentSpanId: ids.root, name: 'execute_tool run_tests', startMs: start + 1000, endMs: start + 3000,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'run_tests', 'gen_ai.tool.call.arguments': '{"suite":"unit"}' },
  };
  const guard: SpanSpec = {
    spanId: ids.guard, parentSpanId: ids.root, name: 'apply_guardrail Output filter', startMs: start + 3100, endMs: start + 3200,
    attributes: { 'gen_ai.operation.name': 'apply_guardrail', 'gen_ai.guardian.name': 'Output filter', 'gen_ai.security.decision.type': 'allow' },
  };
  return { root, chat, tool, guard };
}
