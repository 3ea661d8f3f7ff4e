import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { listen } from '../support/listen.js';
import { csrfOf, WebClient } from '../support/web.js';
import { child, createSdk, SpanStatusCode, type ExporterKind } from '../support/otel-sdk.js';

const REPO = 'https://gitlab.example.com/acme-platform/payments-api.git';
const SECRET = 'glpat-AbCdEfGhIjKlMnOpQrSt';

describe('a real OpenTelemetry SDK exporting to POST /v1/traces', () => {
  const t = useTestApp();
  let service: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    service = await listen(t.app);
  });
  afterAll(async () => {
    await service.close();
  });

  /** An agent run as the GenAI conventions describe it: two model calls, a tool, a guardrail, under invoke_agent. */
  async function runAgent(kind: ExporterKind, conversation: string, fail: boolean) {
    const sdk = createSdk(kind, service.url, await t.token('ingest'), {
      'service.name': 'claims-agent', 'enduser.id': 'dwhitfield', 'vcs.repository.url.full': REPO,
    });
    const root = sdk.tracer.startSpan('invoke_agent Claims helper', {
      attributes: {
        'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Claims helper', 'gen_ai.agent.id': 'asst_claims_1',
        'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4', 'gen_ai.conversation.id': conversation,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Fix the rounding bug in invoices' }] }]),
      },
    });
    child(sdk.tracer, root, 'chat claude-sonnet-4', {
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.usage.input_tokens': 1200, 'gen_ai.usage.output_tokens': 80, 'gen_ai.response.finish_reasons': ['tool_call'],
    });
    child(sdk.tracer, root, 'execute_tool write_file', {
      'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'write_file', 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.arguments': JSON.stringify({ path: 'src/invoice.ts', note: `token ${SECRET}` }),
    });
    child(sdk.tracer, root, 'apply_guardrail Secrets filter', {
      'gen_ai.operation.name': 'apply_guardrail', 'gen_ai.guardian.name': 'Secrets filter', 'gen_ai.security.decision.type': 'deny',
      'gen_ai.security.target.type': 'tool_call', 'gen_ai.security.decision.reason': 'a credential in the tool arguments',
    });
    child(sdk.tracer, root, 'chat claude-sonnet-4', {
      'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'claude-sonnet-4', 'gen_ai.usage.input_tokens': 1500, 'gen_ai.usage.output_tokens': 200,
    });
    if (fail) {
      root.setAttribute('error.type', 'tool_denied');
      root.setStatus({ code: SpanStatusCode.ERROR, message: 'the guardrail denied the write' });
    } else {
      root.setAttribute('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Invoice totals now round half-even' }], finish_reason: 'stop' }]));
    }
    root.end();
    await sdk.flush();
    await sdk.shutdown();
  }

  it.each([['json', false], ['protobuf', true]] as const)('%s exporter: the trace becomes a session with its tools, usage and outcome in the API, GraphQL, the page and exports', async (kind, fail) => {
    const conversation = `conv-${kind}-1`;
    const id = `otlp:${conversation}`;
    await runAgent(kind, conversation, fail);
    const auditor = await t.token('auditor');

    const { session } = (await (await t.get(`/api/v1/sessions/${encodeURIComponent(id)}`, auditor)).json()) as { session: Record<string, unknown> };
    expect(session).toMatchObject({
      session_id: id, status: fail ? 'failed' : 'completed', flow_type: 'otlp:invoke_agent',
      user: { username: 'dwhitfield' }, project: { path: 'acme-platform/payments-api' },
      usage: { input_tokens: 2700, output_tokens: 280 },
    });
    expect(JSON.stringify(session)).not.toContain(SECRET);

    const gql = await t.app.request('/api/graphql', {
      method: 'POST', headers: { Authorization: `Bearer ${auditor}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: `{ duoFlowSession(sessionId: "${id}") { status completedAt error usage model agent { username } decisions { step decision rationale } } }` }),
    });
    const data = ((await gql.json()) as { data: { duoFlowSession: { status: string; completedAt: string | null; error: unknown; usage: unknown; model: unknown; agent: { username: string }; decisions: { decision: string; rationale: string | null }[] } } }).data.duoFlowSession;
    expect(data.status).toBe(fail ? 'failed' : 'completed');
    expect(data.completedAt).not.toBeNull();
    if (fail) expect(data.error).toMatchObject({ code: 'tool_denied', category: 'tool_denied' });
    else expect(data.error).toBeNull();
    expect(data.usage).toEqual({ input_tokens: 2700, output_tokens: 280 });
    expect(data.agent.username).toBe('Claims helper');
    expect(data.decisions.map((d) => d.decision)).toEqual(['model call claude-sonnet-4', 'tool write_file', 'guardrail Secrets filter: deny', 'model call claude-sonnet-4']);
    expect(data.decisions[2]!.rationale).toBe('a credential in the tool arguments');

    const web = new WebClient(t.app);
    const signIn = await (await web.get('/-/sign_in')).text();
    await web.post('/-/sign_in', { token: auditor, _csrf: csrfOf(signIn), return_to: '/-/duo/sessions' });
    const page = await (await web.get(`/-/duo/sessions/${encodeURIComponent(id)}`)).text();
    expect(page).toContain('tool write_file');
    expect(page).toContain('guardrail Secrets filter: deny');
    expect(page).toContain('2700 in, 280 out');
    expect(page).toContain('Fix the rounding bug in invoices');
    // The outcome in words: the status, and the error or the agent's summary.
    expect(page).toContain(fail ? 'Failed' : 'Completed');
    expect(page).toContain(fail ? 'the guardrail denied the write' : 'Invoice totals now round half-even');
    expect(page).not.toContain(SECRET);

    const exported = await (await t.get(`/api/v1/export?session_id=${encodeURIComponent(id)}&format=ndjson`, auditor)).text();
    const lines = exported.trim().split('\n').map((l) => JSON.parse(l) as { type: string; source: string; data: Record<string, unknown> });
    const own = lines.filter((l) => l.source === 'otlp');
    expect(own.map((l) => l.type)).toEqual(['duo_flow_started', 'duo_flow_decision_logged', 'duo_flow_decision_logged', 'duo_flow_decision_logged', 'duo_flow_decision_logged', fail ? 'duo_flow_failed' : 'duo_flow_completed']);
    expect(exported).not.toContain(SECRET);
    expect(exported).toContain('src/invoice.ts');
    // The outcome and the session's usage travel in the export's terminal event.
    const end = own.at(-1)!;
    expect(end.data).toMatchObject(fail ? { error_category: 'tool_denied', error_message: 'the guardrail denied the write', usage: { input_tokens: 2700, output_tokens: 280 } }
      : { outcome_summary: 'Invoice totals now round half-even', usage: { input_tokens: 2700, output_tokens: 280 } });
    expect(own.filter((l) => l.type === 'duo_flow_decision_logged').map((l) => (l.data.detail as { kind: string }).kind)).toEqual(['model_call', 'tool_call', 'guardrail', 'model_call']);
    // No span was taken for a lifecycle violation, although the children arrived before their session span.
    expect(lines.filter((l) => l.type === 'duo_flow_lifecycle_violation')).toEqual([]);
  });
});
