// OTLP trace ingest (POST /v1/traces) through a running `flowtrail serve`:
// batches of GenAI spans as an agent's BatchSpanProcessor sends them (whole
// traces: invoke_agent with model calls, tool calls and a guardrail), in
// OTLP/JSON and in protobuf. Baseline in the same run and the same process:
// the flow-event API taking the same sessions as flow events (start, nine
// decisions, end), as many per request.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { traceCollector } from '../src/otlp/index.js';
import { benchEnv, benchEvent, median, type BenchTarget, freshDatabaseUrl, postgresAvailable } from './bench-env.js';
import { rateReport, type BenchReport } from './report.js';

const TRACES_PER_BATCH = 100;
/** Spans per trace: invoke_agent, 4 chat, 4 execute_tool, 1 apply_guardrail. They become 11 events (start, 9 decisions, end). */
const SPANS = 10;
const EVENTS_PER_TRACE = 11;
const BATCHES = 10;
const ROUNDS = 3;
const TOKEN = `ftk_${'O'.repeat(40)}`;
const PORT = 18_127;
const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

async function startServe(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { ...process.env, ...env, FLOWTRAIL_PORT: String(PORT), FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: TOKEN, FLOWTRAIL_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`http://127.0.0.1:${PORT}/-/readiness`).catch(() => null);
    if (res?.ok === true) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('serve did not become ready');
}

const kv = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** One trace as an agent exports it (hex ids, OTLP/JSON field names). */
function trace(n: number, start: number): Record<string, unknown>[] {
  const traceId = randomBytes(16).toString('hex');
  const root = randomBytes(8).toString('hex');
  const span = (name: string, at: number, attrs: ReturnType<typeof kv>[], parent?: string) => ({
    traceId, spanId: parent === undefined ? root : randomBytes(8).toString('hex'), ...(parent !== undefined ? { parentSpanId: parent } : {}),
    name, kind: 3, startTimeUnixNano: nanos(start + at), endTimeUnixNano: nanos(start + at + (parent === undefined ? 60_000 : 500)), attributes: attrs, status: {},
  });
  const spans = [span('invoke_agent Ledger fixer', 0, [kv('gen_ai.operation.name', 'invoke_agent'), kv('gen_ai.agent.name', 'Ledger fixer'), kv('gen_ai.provider.name', 'openai'), kv('gen_ai.request.model', 'gpt-4.1'), kv('gen_ai.conversation.id', `bench-conv-${n}`)])];
  for (let k = 0; k < 4; k++) {
    spans.push(span('chat gpt-4.1', 1000 + k * 10_000, [kv('gen_ai.operation.name', 'chat'), kv('gen_ai.request.model', 'gpt-4.1'), kv('gen_ai.usage.input_tokens', 1200 + k), kv('gen_ai.usage.output_tokens', 150)], root));
    spans.push(span('execute_tool run_tests', 5000 + k * 10_000, [kv('gen_ai.operation.name', 'execute_tool'), kv('gen_ai.tool.name', 'run_tests'),
      kv('gen_ai.tool.call.arguments', JSON.stringify({ path: 'tests/ledger/test_totals.py', env: k === 0 ? `DATABASE_URL=postgres://ci:S3cr3t-${n}@db.internal:5432/ledger` : 'none' }))], root));
  }
  spans.push(span('apply_guardrail Output filter', 50_000, [kv('gen_ai.operation.name', 'apply_guardrail'), kv('gen_ai.guardian.name', 'Output filter'), kv('gen_ai.security.decision.type', 'allow')], root));
  return spans;
}

function request(first: number, start: number): Record<string, unknown> {
  return {
    resourceSpans: [{
      resource: { attributes: [kv('service.name', 'ledger-agent'), kv('enduser.id', 'dana'), kv('vcs.repository.url.full', 'https://gitlab.example.com/acme/bench.git')] },
      scopeSpans: [{ scope: { name: 'bench' }, spans: Array.from({ length: TRACES_PER_BATCH }, (_, i) => trace(first + i, start + i)).flat() }],
    }],
  };
}

/** The same request as protobuf, encoded by the generated code the service decodes with. */
function toProtobuf(json: Record<string, unknown>): Uint8Array {
  const copy = JSON.parse(JSON.stringify(json)) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  for (const s of copy.resourceSpans[0]!.scopeSpans[0]!.spans) {
    for (const k of ['traceId', 'spanId', 'parentSpanId']) if (typeof s[k] === 'string') s[k] = Buffer.from(s[k], 'hex');
  }
  const T = traceCollector().ExportTraceServiceRequest;
  return T.encode(T.fromObject(copy)).finish();
}

const started = (id: string, occurredAt: string) => ({
  event_id: crypto.randomUUID(), type: 'duo_flow_started', session_id: id, occurred_at: occurredAt,
  user: { id: 'dana', username: 'dana' }, agent: { id: 'Ledger fixer', username: 'Ledger fixer' }, project: { id: 'acme/bench', path: 'acme/bench' },
  flow_type: 'otlp:invoke_agent', input_prompt: '', authorization: { verified_at: occurredAt, method: 'otlp_resource_attributes', scopes: [] },
  model: { provider: 'openai', engine: 'gpt-4.1' },
});

async function post(path: string, body: string | Uint8Array, contentType: string, ok: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, body });
  const text = await res.text();
  if (res.status !== ok || (path === '/v1/traces' && contentType === 'application/json' && text !== '{}')) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
}

export async function runTarget(target: BenchTarget): Promise<BenchReport[]> {
  const url = await freshDatabaseUrl(target, 'flowtrail_bench_otlp');
  const child = await startServe(benchEnv(url));
  try {
    const now = Date.now() - 3_600_000;
    const at = (i: number) => new Date(now + i).toISOString();
    const perBatch = TRACES_PER_BATCH * EVENTS_PER_TRACE;
    const flow: number[] = [];
    const json: number[] = [];
    const proto: number[] = [];
    let traceNo = 0;
    for (let r = 0; r < ROUNDS; r++) {
      // The baseline first in each round: the same sessions as flow events (start, 9 decisions, end), as many per request as one OTLP batch becomes.
      const bodies = Array.from({ length: BATCHES }, (_, b) => JSON.stringify(Array.from({ length: TRACES_PER_BATCH }, (_, i) => {
        const id = `bench-flow-${r}-${b}-${i}`;
        const t0 = 10 + ((r * BATCHES + b) * TRACES_PER_BATCH + i) * 100;
        return [started(id, at(t0)), ...Array.from({ length: EVENTS_PER_TRACE - 2 }, (_, k) => benchEvent(k, id, at(t0 + 1 + k))),
          { event_id: crypto.randomUUID(), type: 'duo_flow_completed', session_id: id, occurred_at: at(t0 + 50), usage: { input_tokens: 4806, output_tokens: 600 } }];
      }).flat()));
      let t = performance.now();
      for (const body of bodies) await post('/api/v1/flow-events', body, 'application/json', 202);
      flow.push((BATCHES * perBatch) / ((performance.now() - t) / 1000));
      const jsonBodies = Array.from({ length: BATCHES }, () => JSON.stringify(request((traceNo += TRACES_PER_BATCH), now + traceNo)));
      t = performance.now();
      for (const body of jsonBodies) await post('/v1/traces', body, 'application/json', 200);
      json.push((BATCHES * TRACES_PER_BATCH * SPANS) / ((performance.now() - t) / 1000));
      const protoBodies = Array.from({ length: BATCHES }, () => toProtobuf(request((traceNo += TRACES_PER_BATCH), now + traceNo)));
      t = performance.now();
      for (const body of protoBodies) await post('/v1/traces', body, 'application/x-protobuf', 200);
      proto.push((BATCHES * TRACES_PER_BATCH * SPANS) / ((performance.now() - t) / 1000));
    }
    const baseline = { name: `flow-event API, the same ${TRACES_PER_BATCH} sessions as ${perBatch} events/request`, value: median(flow) };
    const spanNote = (rates: number[]) => `${BATCHES} requests of ${TRACES_PER_BATCH} traces x ${SPANS} spans (each trace ${EVENTS_PER_TRACE} events), median of ${ROUNDS} rounds (${rates.map(Math.round).join(', ')}; baseline events/s ${flow.map(Math.round).join(', ')}); the ratio compares spans/s with the baseline's events/s; in events/s OTLP is ${(median(rates) * EVENTS_PER_TRACE / SPANS).toFixed(0)}`;
    return [
      rateReport(`OTLP/JSON trace ingest (${target})`, 'spans/s', median(json), baseline, 0.5, spanNote(json)),
      rateReport(`OTLP protobuf trace ingest (${target})`, 'spans/s', median(proto), baseline, 0.5, spanNote(proto)),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function run(): Promise<BenchReport[]> {
  const reports = await runTarget('pglite');
  if (await postgresAvailable()) reports.push(...(await runTarget('postgres')));
  return reports;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
