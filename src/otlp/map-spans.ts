import { deterministicUuid } from '../gitlab/index.js';
import { SESSION_ID_PATTERN } from '../events.js';
import { ATTRIBUTES, GUARDRAIL_OPERATIONS, MODEL_OPERATIONS, SESSION_OPERATIONS, type AttributeMapping } from './genai-attributes.js';
import type { AttrValue, OtlpSpan } from './otlp-span.js';
import { resolveProject, type ProjectMapEntry } from './resolve-project.js';

/** A flow event (the flow-event API's JSON form) made from a span, before validation and sanitization. */
export interface SpanEvent {
  value: Record<string, unknown>;
  traceId: string;
  spanId: string;
  operation: string;
}

export interface MappedSpans {
  events: SpanEvent[];
  /** Spans whose session span has not arrived yet: they wait for it. */
  waiting: OtlpSpan[];
  /** The session spans of the events: kept, so that a child arriving later finds its session. */
  sessions: OtlpSpan[];
  /** Spans refused, with the reason (partial_success). */
  rejected: { span: OtlpSpan; error: string }[];
  /** Spans without gen_ai attributes, accepted and not recorded. */
  ignored: number;
}

const key = (s: OtlpSpan) => `${s.traceId}:${s.spanId}`;

/** The first attribute of a mapping's names that the span (or, with `resource`, its resource) carries. */
export function read(span: OtlpSpan, mapping: AttributeMapping, resource = false): AttrValue | undefined {
  for (const name of mapping.attributes) {
    const v = span.attributes[name] ?? (resource ? span.resource[name] : undefined);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}
const text = (v: AttrValue | undefined): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const count = (v: AttrValue | undefined): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : undefined);
const iso = (ms: number) => new Date(Math.floor(ms)).toISOString();
const operationOf = (s: OtlpSpan) => text(read(s, ATTRIBUTES.operation)) ?? '';
const isGenAi = (s: OtlpSpan) => Object.keys(s.attributes).some((k) => k.startsWith('gen_ai.'));
const isSessionSpan = (s: OtlpSpan) => (SESSION_OPERATIONS as readonly string[]).includes(operationOf(s));

/**
 * Turns the spans of one request (and those that waited for their session
 * span) into flow events. A session is the outermost invoke_agent or
 * invoke_workflow span among a span's ancestors, or, in a trace without
 * one, the outermost gen_ai span under the trace's root. A span whose
 * session span is not known yet waits. Event ids derive from (trace id,
 * span id), so a re-sent batch maps to the same events and is not stored
 * twice.
 */
export function mapSpans(spans: readonly OtlpSpan[], options: { projectMap: readonly ProjectMapEntry[] }): MappedSpans {
  const byKey = new Map(spans.map((s) => [key(s), s]));
  const out: MappedSpans = { events: [], waiting: [], sessions: [], rejected: [], ignored: 0 };
  const members = new Map<string, OtlpSpan[]>();
  const roots = new Map<string, OtlpSpan>();
  for (const span of byKey.values()) {
    if (!isGenAi(span)) {
      out.ignored++;
      continue;
    }
    const root = sessionSpanOf(span, byKey);
    if (root === null) {
      out.waiting.push(span);
      continue;
    }
    roots.set(key(root), root);
    const list = members.get(key(root)) ?? [];
    if (root !== span) list.push(span);
    members.set(key(root), list);
  }
  for (const [k, root] of roots) {
    const children = members.get(k) ?? [];
    const project = resolveProject(root, options.projectMap);
    if ('error' in project) {
      for (const s of [root, ...children]) out.rejected.push({ span: s, error: project.error });
      continue;
    }
    out.sessions.push(root);
    out.events.push(...sessionEvents(root, children, project.path));
  }
  return out;
}

/** The span that holds `span`'s session, or null when an ancestor is missing and none was found yet. */
function sessionSpanOf(span: OtlpSpan, byKey: ReadonlyMap<string, OtlpSpan>): OtlpSpan | null {
  let outermostSession: OtlpSpan | null = isSessionSpan(span) ? span : null;
  let outermostGenAi = span;
  let current = span;
  for (let hops = 0; hops < 1000; hops++) {
    if (current.parentSpanId === null) return outermostSession ?? outermostGenAi;
    const parent = byKey.get(`${current.traceId}:${current.parentSpanId}`);
    if (parent === undefined) return outermostSession;
    if (isSessionSpan(parent)) outermostSession = parent;
    if (isGenAi(parent)) outermostGenAi = parent;
    current = parent;
  }
  return outermostSession ?? outermostGenAi;
}

function sessionIdOf(root: OtlpSpan): string {
  const conversation = text(read(root, ATTRIBUTES.conversationId));
  const id = conversation === undefined ? undefined : `otlp:${conversation}`;
  return id !== undefined && SESSION_ID_PATTERN.test(id) ? id : `otlp:${root.traceId}`;
}

function sessionEvents(root: OtlpSpan, children: readonly OtlpSpan[], projectPath: string): SpanEvent[] {
  const sessionId = sessionIdOf(root);
  const op = operationOf(root);
  const event = (span: OtlpSpan, role: string, type: string, at: number, fields: Record<string, unknown>): SpanEvent => ({
    traceId: span.traceId, spanId: span.spanId, operation: operationOf(span) || 'unknown',
    value: { event_id: deterministicUuid(`otlp:${span.traceId}:${span.spanId}:${role}`), type, session_id: sessionId, occurred_at: iso(at), ...fields },
  });
  const user = text(read(root, ATTRIBUTES.user, true)) ?? 'unknown';
  const agentName = text(read(root, ATTRIBUTES.agentName)) ?? text(read(root, ATTRIBUTES.workflowName)) ?? text(read(root, ATTRIBUTES.serviceName, true)) ?? 'otlp-agent';
  const model = { provider: text(read(root, ATTRIBUTES.provider)), engine: text(read(root, ATTRIBUTES.model)) };
  const conversation = text(read(root, ATTRIBUTES.conversationId));
  const started = event(root, 'started', 'duo_flow_started', root.startMs, {
    user: { id: user, username: user },
    agent: { id: text(read(root, ATTRIBUTES.agentId)) ?? agentName, username: agentName },
    project: { id: projectPath, path: projectPath },
    flow_type: `otlp:${op || 'trace'}`,
    input_prompt: messageText(read(root, ATTRIBUTES.inputMessages)) ?? '',
    authorization: { verified_at: iso(root.startMs), method: 'otlp_resource_attributes', scopes: [] },
    input_context: { otlp: { trace_id: root.traceId, span_id: root.spanId, span_name: root.name, service_name: text(root.resource['service.name']) ?? null, conversation_id: conversation ?? null } },
    ...(model.provider !== undefined || model.engine !== undefined ? { model } : {}),
  });
  const events = [started];
  // A session span that is not invoke_agent/invoke_workflow (a lone chat span) is also its own decision.
  const decisions = isSessionSpan(root) ? [...children] : [root, ...children];
  // Inside the session's window: SDKs anchor each span's clock on its own, so a child may start a fraction of a
  // millisecond after its parent ended; a child is within its parent by definition, and a late one must not read as after the end.
  const first = Math.floor(root.startMs);
  const last = Math.max(first, Math.floor(root.endMs) - 1);
  for (const span of decisions) {
    events.push(event(span, 'decision', 'duo_flow_decision_logged', span === root ? first : Math.min(Math.max(Math.floor(span.startMs), first), last), decision(span)));
  }
  events.push(event(root, 'ended', ...terminal(root, usageOf(root, decisions))));
  return events;
}

function usageOf(root: OtlpSpan, spans: readonly OtlpSpan[]): Record<string, number> | undefined {
  const own = tokens(root);
  if (own !== undefined) return own;
  let input: number | undefined;
  let output: number | undefined;
  for (const s of spans) {
    if (isSessionSpan(s)) continue;
    const t = tokens(s);
    if (t?.input_tokens !== undefined) input = (input ?? 0) + t.input_tokens;
    if (t?.output_tokens !== undefined) output = (output ?? 0) + t.output_tokens;
  }
  return input === undefined && output === undefined ? undefined : { ...(input !== undefined ? { input_tokens: input } : {}), ...(output !== undefined ? { output_tokens: output } : {}) };
}

function tokens(s: OtlpSpan): { input_tokens?: number; output_tokens?: number } | undefined {
  const input = count(read(s, ATTRIBUTES.inputTokens));
  const output = count(read(s, ATTRIBUTES.outputTokens));
  if (input === undefined && output === undefined) return undefined;
  return { ...(input !== undefined ? { input_tokens: input } : {}), ...(output !== undefined ? { output_tokens: output } : {}) };
}

function terminal(root: OtlpSpan, usage: Record<string, number> | undefined): [string, number, Record<string, unknown>] {
  const errorType = text(read(root, ATTRIBUTES.errorType));
  const usageField = usage === undefined ? {} : { usage };
  if (root.status.code === 2 || errorType !== undefined) {
    const exception = root.events.find((e) => e.name === 'exception');
    const message = root.status.message || text(exception?.attributes['exception.message']) || errorType || 'the span ended with status ERROR';
    return ['duo_flow_failed', root.endMs, {
      error_category: errorType ?? 'span_status_error', error_code: errorType ?? 'ERROR', error_message: message, failed_at_step: root.name || 'session span', ...usageField,
    }];
  }
  const summary = messageText(read(root, ATTRIBUTES.outputMessages));
  return ['duo_flow_completed', root.endMs, { ...(summary !== undefined ? { outcome_summary: summary } : {}), ...usageField }];
}

function decision(span: OtlpSpan): Record<string, unknown> {
  const op = operationOf(span);
  // The step is the span's name ("execute_tool write_file"): stable whichever request carried the span.
  const step = (span.name || op || 'span').slice(0, 1024);
  const failed = span.status.code === 2 || read(span, ATTRIBUTES.errorType) !== undefined;
  const base = { span_name: span.name, duration_ms: Math.round(span.endMs - span.startMs), status: failed ? 'error' : 'ok', ...(failed ? { error: text(read(span, ATTRIBUTES.errorType)) ?? (span.status.message || 'ERROR') } : {}) };
  const usage = tokens(span);
  if (op === 'execute_tool') {
    const name = text(read(span, ATTRIBUTES.toolName)) ?? span.name;
    const args = read(span, ATTRIBUTES.toolArguments);
    const result = read(span, ATTRIBUTES.toolResult);
    return {
      step, decision: `tool ${name}`, ...optional('rationale', text(read(span, ATTRIBUTES.toolDescription))),
      detail: {
        kind: 'tool_call', ...base,
        tool: { name, ...optional('call_id', text(read(span, ATTRIBUTES.toolCallId))), ...optional('type', text(read(span, ATTRIBUTES.toolType))) },
        ...(args !== undefined ? { arguments: parseJson(args) } : {}), ...(result !== undefined ? { result: parseJson(result) } : {}),
      },
    };
  }
  if ((GUARDRAIL_OPERATIONS as readonly string[]).includes(op)) {
    const name = text(read(span, ATTRIBUTES.guardrailName)) ?? span.name;
    const verdict = text(read(span, ATTRIBUTES.guardrailVerdict)) ?? 'unknown';
    return {
      step, decision: `guardrail ${name}: ${verdict}`, ...optional('rationale', text(read(span, ATTRIBUTES.guardrailReason))),
      detail: {
        kind: 'guardrail', ...base, guardrail: name, verdict,
        ...optional('target', text(read(span, ATTRIBUTES.guardrailTarget))), ...optional('policy', text(read(span, ATTRIBUTES.guardrailPolicy))),
      },
    };
  }
  const model = text(read(span, ATTRIBUTES.model));
  const inputMessages = read(span, ATTRIBUTES.inputMessages);
  const outputMessages = read(span, ATTRIBUTES.outputMessages);
  const isModel = (MODEL_OPERATIONS as readonly string[]).includes(op);
  return {
    step, decision: isModel ? `model call${model !== undefined ? ` ${model}` : ''}` : op !== '' && span.name.startsWith(op) ? span.name : `${op || 'span'} ${span.name}`.trim(),
    ...(usage !== undefined ? { usage } : {}),
    detail: {
      kind: isModel ? 'model_call' : op || 'span', ...base,
      ...optional('model', model), ...optional('provider', text(read(span, ATTRIBUTES.provider))),
      ...(usage !== undefined ? { usage } : {}),
      ...optional('finish_reasons', read(span, ATTRIBUTES.finishReasons)),
      ...(inputMessages !== undefined ? { input_messages: parseJson(inputMessages) } : {}),
      ...(outputMessages !== undefined ? { output_messages: parseJson(outputMessages) } : {}),
    },
  };
}

const optional = (name: string, v: unknown): Record<string, unknown> => (v === undefined ? {} : { [name]: v });

/** Structured attributes travel as JSON text when the SDK cannot send them as values; read them back. */
function parseJson(v: AttrValue): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return v;
    throw err;
  }
}

/** The text parts of gen_ai.input.messages / output.messages (role, parts[{type: text, content}]), joined. */
export function messageText(v: AttrValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  const messages = parseJson(v);
  if (typeof messages === 'string') return messages;
  if (!Array.isArray(messages)) return undefined;
  const texts: string[] = [];
  for (const msg of messages) {
    const parts = typeof msg === 'object' && msg !== null ? (msg as { parts?: unknown }).parts : undefined;
    if (!Array.isArray(parts)) continue;
    for (const p of parts) {
      const part = p as { type?: unknown; content?: unknown };
      if (part?.type === 'text' && typeof part.content === 'string') texts.push(part.content);
    }
  }
  return texts.length === 0 ? undefined : texts.join('\n');
}
