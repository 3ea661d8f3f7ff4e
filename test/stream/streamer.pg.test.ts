import { http, passthrough } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStreamer, SD_ID, type Streamer } from '../../src/stream/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { server as msw } from '../support/msw.js';
import { expectInOrderWithoutGap, makeCertificate, startHecReceiver, startHttpReceiver, startSyslogReceiver, waitFor, type Receiver } from '../support/receivers.js';

const HEC_TOKEN = '5f0c1d2e-9a8b-4c7d-8e6f-0a1b2c3d4e5f';
const HTTP_TOKEN = 'streaming-verification-token-for-tests';

describe('streaming destinations against real receivers', () => {
  const t = useTestApp();
  let streamers: Streamer[] = [];
  const receivers: Receiver<unknown>[] = [];

  beforeEach(() => {
    msw.use(http.all(/^https?:\/\/(127\.0\.0\.1|localhost):\d+\//, () => passthrough()));
  });
  afterEach(async () => {
    await Promise.all(streamers.map((s) => s.stop()));
    streamers = [];
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  function streamer(o: { pauseAfterSeconds?: number; batchSize?: number } = {}): Streamer {
    const s = createStreamer({
      sql: t.deps.sql, secretsKey: t.deps.secretsKey!, readTokenVariable: (name) => (name === 'HEC_TOKEN_VAR' ? HEC_TOKEN : undefined),
      pollMs: 20, maxBackoffMs: 200, timeoutMs: 5000, refreshMs: 200, batchSize: o.batchSize ?? 7, pauseAfterSeconds: o.pauseAfterSeconds ?? 3600, hostname: 'flowtrail-test',
    });
    s.start();
    streamers.push(s);
    return s;
  }

  async function addDestination(body: Record<string, unknown>): Promise<string> {
    const admin = await t.token('admin');
    const res = await t.app.request('/api/v1/streaming-destinations', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(201);
    await t.deps.integrator.integrate();
    return ((await res.json()) as { id: string }).id;
  }

  /** Sessions on two projects: started, a decision and completed each; returns nothing, the log is the reference. */
  async function ingestSessions(n: number, offset = 0): Promise<void> {
    const events = [];
    for (let i = offset; i < offset + n; i++) {
      const project = i % 2 === 0 ? { id: 4821, path: 'acme-platform/payments-api' } : { id: 5000, path: 'acme-platform/web' };
      events.push(startedEvent(`s-${i}`, at(i % 60, 0), { project }), flowEvent('duo_flow_decision_logged', `s-${i}`, at(i % 60, 1), { step: 1, decision: `decision ${i}` }),
        flowEvent('duo_flow_completed', `s-${i}`, at(i % 60, 2)));
    }
    expect((await t.ingest(events)).status).toBe(202);
  }

  async function logSeqs(where = t.deps.sql`true`): Promise<{ seq: number; eventId: string; type: string }[]> {
    return t.deps.sql<{ seq: number; eventId: string; type: string }[]>`select seq, event_id::text, type from audit_events where ${where} order by seq`;
  }

  async function cursorOf(id: string): Promise<{ cursorSeq: number; pausedReason: string | null; lastError: string | null }> {
    const [row] = await t.deps.sql<{ cursorSeq: number; pausedReason: string | null; lastError: string | null }[]>`select cursor_seq, paused_reason, last_error from streaming_destinations where id = ${id}`;
    return row!;
  }

  it('sends every event to a HEC collector without acknowledgement, in order, with its event id, in batches', async () => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    receivers.push(hec);
    await ingestSessions(10);
    await addDestination({ name: 'hec', type: 'splunk_hec', url: hec.url, token: HEC_TOKEN });
    const log = await logSeqs();
    streamer();
    await waitFor(() => hec.received.length >= log.length, 'every event at the collector');
    expect(hec.received.map((e) => Number(e.fields!.flowtrail_seq))).toEqual(log.map((e) => e.seq));
    expect(hec.received.map((e) => e.fields!.event_id)).toEqual(log.map((e) => e.eventId));
    expect(hec.received.map((e) => (e.event as { type: string }).type)).toEqual(log.map((e) => e.type));
    expect(hec.received[0]).toMatchObject({ source: 'flowtrail', sourcetype: 'flowtrail:ndjson', host: 'flowtrail-test' });
    expect(hec.stats.batches).toBeGreaterThanOrEqual(Math.ceil(log.length / 7));
  });

  it('honours indexer acknowledgement: a batch counts once acknowledged, a 503 is retried, each event arrives once', async () => {
    const hec = await startHecReceiver({ token: HEC_TOKEN, ack: true, ackAfterPolls: 2 });
    receivers.push(hec);
    hec.stats.failNext = 2;
    await ingestSessions(6);
    const id = await addDestination({ name: 'hec-ack', type: 'splunk_hec', url: `${hec.url}/services/collector/event`, token: 'env:HEC_TOKEN_VAR', format: 'ocsf' });
    const log = await logSeqs();
    streamer();
    await waitFor(async () => (await cursorOf(id)).cursorSeq >= log[log.length - 1]!.seq, 'the cursor at the end of the log');
    expect(hec.received.map((e) => (e.event as { metadata: { sequence: number } }).metadata.sequence)).toEqual(log.map((e) => e.seq));
    expect(hec.stats.channels.size).toBe(1);
    expect(hec.stats.failNext).toBe(0);
    expect(hec.received[0]).toMatchObject({ sourcetype: 'flowtrail:ocsf', event: { class_uid: 6003 } });
  });

  it('sends only the types and projects a destination filters on, and moves its cursor past the rest', async () => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    receivers.push(hec);
    await ingestSessions(8);
    const id = await addDestination({ name: 'web-starts', type: 'splunk_hec', url: hec.url, token: HEC_TOKEN, filters: { types: ['duo_flow_started', 'duo_flow_completed'], projects: ['acme-platform/web'] } });
    const log = await logSeqs();
    const wanted = (await t.deps.sql<{ seq: number }[]>`
      select a.seq from audit_events a join sessions s using (session_id)
      where a.type in ('duo_flow_started', 'duo_flow_completed') and s.project_path = 'acme-platform/web' order by a.seq`).map((r) => r.seq);
    expect(wanted.length).toBe(8);
    streamer();
    await waitFor(async () => (await cursorOf(id)).cursorSeq === log[log.length - 1]!.seq, 'the cursor at the end of the log');
    expect(hec.received.map((e) => Number(e.fields!.flowtrail_seq))).toEqual(wanted);
  });

  it('writes RFC 5424 messages with CEF inside, octet-counted over TCP, the event id in structured data', async () => {
    const syslog = await startSyslogReceiver();
    receivers.push(syslog);
    await ingestSessions(5);
    await addDestination({ name: 'syslog', type: 'syslog', url: syslog.url });
    const log = await logSeqs();
    streamer();
    await waitFor(() => syslog.received.length >= log.length, 'every message at the listener');
    expect(syslog.errors).toEqual([]);
    expect(syslog.received.map((m) => Number(m.sd.seq))).toEqual(log.map((e) => e.seq));
    expect(syslog.received.map((m) => m.sd.eventId)).toEqual(log.map((e) => e.eventId));
    const first = syslog.received.find((m) => m.sd.type === 'duo_flow_started')!;
    expect(first).toMatchObject({ version: 1, hostname: 'flowtrail-test', appName: 'flowtrail', sdId: SD_ID, pri: 13 * 8 + 6 });
    expect(first.msg).toMatch(/^CEF:0\|flowtrail\|flowtrail\|[^|]+\|duo_flow_started\|/);
    expect(first.msg).toContain(`externalId=${first.sd.eventId}`);
  });

  it('speaks syslog over TLS to a receiver whose certificate the destination trusts, and pauses with the reason when it does not', async () => {
    const cert = makeCertificate();
    const syslog = await startSyslogReceiver(cert);
    receivers.push(syslog);
    await ingestSessions(3);
    const id = await addDestination({ name: 'syslog-tls', type: 'syslog', url: syslog.url.replace('127.0.0.1', 'localhost') });
    streamer({ pauseAfterSeconds: 0 });
    await waitFor(async () => (await cursorOf(id)).pausedReason !== null, 'the destination paused');
    expect((await cursorOf(id)).pausedReason).toMatch(/certificate/i);
    expect(syslog.received).toEqual([]);
    await t.deps.integrator.integrate();
    const [paused] = await logSeqs(t.deps.sql`type = 'streaming_destination_paused'`);
    expect(paused).toBeDefined();

    const admin = await t.token('admin');
    const res = await t.app.request(`/api/v1/streaming-destinations/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ tls_ca: cert.cert }) });
    expect(res.status).toBe(200);
    await t.deps.integrator.integrate();
    const log = await logSeqs();
    await waitFor(() => syslog.received.length >= log.length, 'every message over TLS');
    expect(syslog.received.map((m) => Number(m.sd.seq))).toEqual(log.map((e) => e.seq));
  });

  it('posts GitLab-shaped JSON to an HTTP receiver with the token and an Idempotency-Key per event; a wrong token is retried, never skipped', async () => {
    const receiver = await startHttpReceiver({ token: HTTP_TOKEN });
    receivers.push(receiver);
    await ingestSessions(3);
    const id = await addDestination({ name: 'http', type: 'http', url: `${receiver.url}/audit`, token: 'wrong-token' });
    streamer();
    await waitFor(async () => receiver.stats.refused >= 2, 'the receiver refusing the wrong token twice');
    expect((await cursorOf(id)).lastError).toBe('the receiver answered HTTP 401');
    const admin = await t.token('admin');
    await t.app.request(`/api/v1/streaming-destinations/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ token: HTTP_TOKEN }) });
    await t.deps.integrator.integrate();
    const log = await logSeqs();
    await waitFor(() => receiver.received.length >= log.length, 'every event at the receiver');
    const bodies = receiver.received.map((d) => JSON.parse(d.body) as { id: string; event_type: string; details: { flowtrail: { seq: number } }; target_type: string | null });
    expect(receiver.received.map((d) => d.idempotencyKey)).toEqual(log.map((e) => e.eventId));
    expect(bodies.map((b) => b.id)).toEqual(log.map((e) => e.eventId));
    expect(bodies.map((b) => b.details.flowtrail.seq)).toEqual(log.map((e) => e.seq));
    expect(receiver.received.map((d) => d.eventType)).toEqual(log.map((e) => e.type));
    const started = bodies.find((b) => b.event_type === 'duo_flow_started')!;
    expect(started).toMatchObject({ target_type: 'Ai::DuoWorkflows::Workflow', entity_type: 'Project', entity_path: 'acme-platform/payments-api', author_name: 'dwhitfield' });
  });

  it('rides out a receiver that is down for a while: nothing lost, in order, and ingest never waits for it', async () => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    const syslog = await startSyslogReceiver();
    receivers.push(hec, syslog);
    await ingestSessions(4);
    await addDestination({ name: 'hec', type: 'splunk_hec', url: hec.url, token: HEC_TOKEN });
    await addDestination({ name: 'syslog', type: 'syslog', url: syslog.url });
    streamer();
    await waitFor(() => hec.received.length > 0 && syslog.received.length > 0, 'the first deliveries');
    await hec.stop();
    await syslog.stop();
    await ingestSessions(10, 100);
    await ingestSessions(10, 200);
    await new Promise((r) => setTimeout(r, 600));
    await hec.start();
    await syslog.start();
    const log = await logSeqs();
    await waitFor(() => new Set(hec.received.map((e) => e.fields!.event_id)).size >= log.length, 'every event at the collector after the outage');
    await waitFor(() => new Set(syslog.received.map((m) => m.sd.eventId)).size >= log.length, 'every message at the listener after the outage');
    expectInOrderWithoutGap(hec.received.map((e) => Number(e.fields!.flowtrail_seq)), log.map((e) => e.seq));
    expectInOrderWithoutGap(syslog.received.map((m) => Number(m.sd.seq)), log.map((e) => e.seq));
  });

  it('sends each event once when two replicas run the delivery loop (one lease per destination)', async () => {
    const hec = await startHecReceiver({ token: HEC_TOKEN });
    receivers.push(hec);
    await ingestSessions(10);
    await addDestination({ name: 'hec', type: 'splunk_hec', url: hec.url, token: HEC_TOKEN });
    const log = await logSeqs();
    streamer();
    streamer();
    await waitFor(() => hec.received.length >= log.length, 'every event at the collector');
    await new Promise((r) => setTimeout(r, 300));
    expect(hec.received.map((e) => Number(e.fields!.flowtrail_seq))).toEqual(log.map((e) => e.seq));
  });
});
