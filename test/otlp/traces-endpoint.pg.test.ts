import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { useTestApp } from '../support/app.js';
import { agentRun, newTraceId, otlpJson } from '../support/otlp-json.js';

const RESOURCE = { 'service.name': 'release-bot', 'enduser.id': 'mkowalski', 'vcs.repository.url.full': 'git@gitlab.example.com:acme-platform/ledger.git' };
const root = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: Record<string, { decode(b: Uint8Array): unknown; toObject(m: unknown): Record<string, unknown> }> } } } };
};
const Response_ = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse!;

describe('POST /v1/traces: OTLP/HTTP as the specification answers it', () => {
  const t = useTestApp();
  let token = '';
  beforeEach(async () => {
    token = await t.token('ingest');
  });
  const post = (body: BodyInit, headers: Record<string, string> = {}, auth = token) =>
    t.app.request('/v1/traces', { method: 'POST', body, headers: { Authorization: `Bearer ${auth}`, 'Content-Type': 'application/json', ...headers } });
  const postJson = (value: unknown) => post(JSON.stringify(value));
  const session = async (id: string) => {
    const res = await t.get(`/api/v1/sessions/${encodeURIComponent(id)}`, await t.token('auditor'));
    return res.status === 200 ? ((await res.json()) as { session: Record<string, unknown>; timeline: { type: string; data: Record<string, unknown> }[] }) : null;
  };

  it('children sent before their session span wait for it, then enter the session without a lifecycle violation', async () => {
    const trace = newTraceId();
    const run = agentRun(Date.now() - 60_000, undefined, 'conv-order-1');
    expect((await postJson(otlpJson(trace, RESOURCE, [run.chat, run.tool]))).status).toBe(200);
    expect(await session('otlp:conv-order-1')).toBeNull();
    const res = await postJson(otlpJson(trace, RESOURCE, [run.guard, run.root]));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const s = (await session('otlp:conv-order-1'))!;
    expect(s.session).toMatchObject({ status: 'completed', usage: { input_tokens: 300, output_tokens: 40 }, project: { path: 'acme-platform/ledger' }, user: { username: 'mkowalski' }, violations: [] });
    expect(s.timeline.filter((e) => e.type === 'duo_flow_decision_logged').map((e) => e.data.decision).sort()).toEqual(['guardrail Output filter: allow', 'model call gpt-4.1', 'tool run_tests']);
    expect(s.timeline.map((e) => e.type)).not.toContain('duo_flow_lifecycle_violation');
  });

  it('a child sent after its session span still joins the session', async () => {
    const trace = newTraceId();
    const run = agentRun(Date.now() - 60_000, undefined, 'conv-late-1');
    await postJson(otlpJson(trace, RESOURCE, [run.root, run.chat]));
    await postJson(otlpJson(trace, RESOURCE, [run.tool]));
    const s = (await session('otlp:conv-late-1'))!;
    expect(s.timeline.filter((e) => e.type === 'duo_flow_decision_logged').map((e) => e.data.decision).sort()).toEqual(['model call gpt-4.1', 'tool run_tests']);
    expect(s.session.violations).toEqual([]);
  });

  it('is idempotent on (trace id, span id): a re-sent batch stores nothing twice', async () => {
    const trace = newTraceId();
    const run = agentRun(Date.now() - 60_000, undefined, 'conv-again-1');
    const body = otlpJson(trace, RESOURCE, [run.chat, run.tool, run.guard, run.root]);
    await postJson(body);
    const before = (await session('otlp:conv-again-1'))!.session.events_count;
    expect((await post(gzipSync(JSON.stringify(body)), { 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect((await session('otlp:conv-again-1'))!.session.events_count).toBe(before);
  });

  it('answers with partial_success naming the spans refused (a session without a project)', async () => {
    const trace = newTraceId();
    const run = agentRun(Date.now() - 60_000, undefined, 'conv-noproject');
    const body = otlpJson(trace, { 'service.name': 'unmapped-bot' }, [run.root]);
    const json = await postJson(body);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('names no project') } });
    expect(await session('otlp:conv-noproject')).toBeNull();
  });

  it('refuses what is not OTLP in words: garbage protobuf, wrong JSON, bad ids, other types and encodings, huge and inflating bodies', async () => {
    const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'Content-Type': 'application/x-protobuf' });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { message: string }).message).toMatch(/not an OTLP ExportTraceServiceRequest in protobuf/);
    for (const [body, words] of [
      ['{"resourceSpans": [', /not an OTLP ExportTraceServiceRequest in OTLP\/JSON/],
      ['[1,2]', /must be a JSON object/],
      ['{"resourceSpans": {"a": 1}}', /resourceSpans: must be an array/],
      ['{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}', /traceId: must be hex digits/],
      ['{"resourceSpans": [{"resource": {"attributes": "x"}}]}', /not an OTLP ExportTraceServiceRequest in OTLP\/JSON: .*attributes/],
    ] as const) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(words);
    }
    const xml = await post('<x/>', { 'Content-Type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as { message: string }).message).toMatch(/application\/x-protobuf or application\/json/);
    const br = await post('{}', { 'Content-Encoding': 'br' });
    expect(br.status).toBe(415);
    const notGzip = await post('{}', { 'Content-Encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
    expect(((await notGzip.json()) as { message: string }).message).toMatch(/not valid gzip/);
    const max = t.deps.config.http.maxBodyBytes;
    const huge = await post('x'.repeat(max + 1));
    expect(huge.status).toBe(413);
    const bomb = await post(gzipSync(Buffer.alloc(max + 1024, 0x20)), { 'Content-Encoding': 'gzip' });
    expect(bomb.status).toBe(413);
    expect(((await bomb.json()) as { message: string }).message).toMatch(/inflates to more than/);
    // A span that cannot be read on its own is refused alone, in partial_success.
    const badTime = await postJson({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: newTraceId(), spanId: '0102030405060708', startTimeUnixNano: '2000000000000', endTimeUnixNano: '1000000000000' }] }] }] });
    expect(badTime.status).toBe(200);
    expect(await badTime.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('endTimeUnixNano must not be before') } });
  });

  it('takes only an ingest (or admin) token', async () => {
    expect((await post('{}', {}, 'ftk_wrong')).status).toBe(401);
    expect((await post('{}', {}, await t.token('auditor'))).status).toBe(403);
    const ok = await post(Buffer.alloc(0), { 'Content-Type': 'application/x-protobuf' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-protobuf');
    expect(Response_.toObject(Response_.decode(new Uint8Array(await ok.arrayBuffer())))).toEqual({});
  });
});
