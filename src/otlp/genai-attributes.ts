// The mapping from OpenTelemetry attributes to flowtrail's fields, as data:
// map-spans.ts reads attributes only through these entries, and docs/otel.md's
// table is rendered from them (a test checks that the page matches). Where a
// convention renamed an attribute, the current name comes first and the older
// names after it.

export interface AttributeMapping {
  /** Attribute names, the current one first. */
  readonly attributes: readonly string[];
  /** Where it is read: the span named, or the resource that sent it. */
  readonly on: string;
  /** What it becomes in flowtrail. */
  readonly field: string;
}

const m = (attributes: readonly string[], on: string, field: string): AttributeMapping => ({ attributes, on, field });

export const ATTRIBUTES = {
  operation: m(['gen_ai.operation.name'], 'every span', 'which event the span becomes (see the operations table)'),
  conversationId: m(['gen_ai.conversation.id'], 'session span', 'session_id `otlp:<conversation id>` (else `otlp:<trace id>`)'),
  agentName: m(['gen_ai.agent.name'], 'session span', 'duo_flow_started `agent.username`'),
  agentId: m(['gen_ai.agent.id'], 'session span', 'duo_flow_started `agent.id` (else the agent name)'),
  workflowName: m(['gen_ai.workflow.name'], 'session span', 'duo_flow_started `agent.username` when there is no agent name'),
  serviceName: m(['service.name'], 'resource', 'duo_flow_started `agent.username` when the span names no agent; a key of FLOWTRAIL_OTLP_PROJECT_MAP'),
  model: m(['gen_ai.request.model', 'gen_ai.response.model'], 'session span, chat span', 'duo_flow_started `model.engine`; the decision `detail.model`'),
  provider: m(['gen_ai.provider.name', 'gen_ai.system'], 'session span, chat span', 'duo_flow_started `model.provider`; the decision `detail.provider`'),
  user: m(['enduser.id', 'user.id', 'user.name'], 'session span, else resource', 'duo_flow_started `user.id` and `user.username` (else `unknown`)'),
  repository: m(['vcs.repository.url.full'], 'session span, else resource', 'duo_flow_started `project.path`: the URL\'s path without `.git` (unless FLOWTRAIL_OTLP_PROJECT_MAP names it)'),
  inputTokens: m(['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens'], 'chat span, session span', '`usage.input_tokens` of the decision; summed into the session\'s usage (the session span\'s own count wins)'),
  outputTokens: m(['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens'], 'chat span, session span', '`usage.output_tokens`, likewise'),
  finishReasons: m(['gen_ai.response.finish_reasons'], 'chat span', 'the decision `detail.finish_reasons`'),
  inputMessages: m(['gen_ai.input.messages'], 'session span, chat span', 'duo_flow_started `input_prompt` (the text parts); the decision `detail.input_messages`; only when sent, sanitized'),
  outputMessages: m(['gen_ai.output.messages'], 'session span, chat span', 'duo_flow_completed `outcome_summary` (the text parts); the decision `detail.output_messages`; only when sent, sanitized'),
  toolName: m(['gen_ai.tool.name'], 'execute_tool span', 'the decision `decision: "tool <name>"` and `detail.tool.name`'),
  toolCallId: m(['gen_ai.tool.call.id'], 'execute_tool span', 'the decision `detail.tool.call_id`'),
  toolType: m(['gen_ai.tool.type'], 'execute_tool span', 'the decision `detail.tool.type`'),
  toolDescription: m(['gen_ai.tool.description'], 'execute_tool span', 'the decision `rationale`'),
  toolArguments: m(['gen_ai.tool.call.arguments'], 'execute_tool span', 'the decision `detail.arguments`; only when sent, sanitized'),
  toolResult: m(['gen_ai.tool.call.result'], 'execute_tool span', 'the decision `detail.result`; only when sent, sanitized'),
  guardrailName: m(['gen_ai.guardian.name', 'gen_ai.guardrail.name'], 'guardrail span', 'the decision `decision: "guardrail <name>: <verdict>"` and `detail.guardrail`'),
  guardrailVerdict: m(['gen_ai.security.decision.type', 'gen_ai.guardrail.decision'], 'guardrail span', 'the decision `detail.verdict` (allow, deny, modify, warn, audit)'),
  guardrailReason: m(['gen_ai.security.decision.reason'], 'guardrail span', 'the decision `rationale`'),
  guardrailTarget: m(['gen_ai.security.target.type'], 'guardrail span', 'the decision `detail.target`'),
  guardrailPolicy: m(['gen_ai.security.policy.id', 'gen_ai.security.policy.name'], 'guardrail span', 'the decision `detail.policy`'),
  errorType: m(['error.type'], 'session span', 'duo_flow_failed `error_category` and `error_code` (the span status ERROR alone gives `span_status_error`)'),
} as const satisfies Record<string, AttributeMapping>;

/** The operations (gen_ai.operation.name) and what each span becomes. */
export const SESSION_OPERATIONS = ['invoke_agent', 'invoke_workflow'] as const;
export const GUARDRAIL_OPERATIONS = ['apply_guardrail', 'run_guardrail'] as const;
export const MODEL_OPERATIONS = ['chat', 'generate_content', 'text_completion'] as const;

export const OPERATIONS: readonly { operation: string; becomes: string }[] = [
  { operation: SESSION_OPERATIONS.join(', '), becomes: 'the session: duo_flow_started at its start, duo_flow_completed at its end, or duo_flow_failed when its status is ERROR or it carries error.type. A nested one inside another session span is a decision of the outer session.' },
  { operation: 'execute_tool', becomes: 'duo_flow_decision_logged (`detail.kind: tool_call`): tool name, call id, sanitized arguments and result' },
  { operation: MODEL_OPERATIONS.join(', '), becomes: 'duo_flow_decision_logged (`detail.kind: model_call`) with the model, provider and token usage; the usage adds up into the session\'s' },
  { operation: GUARDRAIL_OPERATIONS.join(', '), becomes: 'duo_flow_decision_logged (`detail.kind: guardrail`) with the verdict, target, policy and reason' },
  { operation: 'any other (embeddings, retrieval, create_agent, ...)', becomes: 'duo_flow_decision_logged (`detail.kind`: the operation name)' },
  { operation: 'a span without gen_ai.* attributes', becomes: 'nothing (accepted and not recorded); it still links its children to their session span' },
];
