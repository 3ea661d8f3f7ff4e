import { execFileSync } from 'node:child_process';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { expect } from 'vitest';

// Real receivers for the streaming tests: a Splunk HEC-compatible collector
// (with or without indexer acknowledgement), a syslog listener that parses
// RFC 6587 octet-counted RFC 5424 frames (plain TCP or TLS), and an HTTP
// receiver that checks the streaming token. Each can be stopped (its
// connections cut) and started again on the same port.

const read = (req: IncomingMessage) => new Promise<string>((resolve, reject) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  req.on('error', reject);
});

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface Receiver<T> {
  url: string;
  port: number;
  received: T[];
  /** Closes the listener and cuts every open connection. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

interface Listening {
  listen(port: number, host: string, cb: () => void): unknown;
  close(cb?: (err?: Error) => void): unknown;
  address(): unknown;
  on(e: 'connection' | 'secureConnection', cb: (s: Socket) => void): unknown;
}

async function manage<T>(server: Listening, scheme: string, received: T[], connectionEvent: 'connection' | 'secureConnection' = 'connection'): Promise<Receiver<T>> {
  const sockets = new Set<Socket>();
  server.on(connectionEvent, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  if (connectionEvent !== 'connection') server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let port = 0;
  let up = false;
  const start = async () => {
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    up = true;
  };
  const stop = async () => {
    if (!up) return;
    up = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  await start();
  return { url: `${scheme}://127.0.0.1:${port}`, port, received, stop, start, close: stop };
}

export interface HecEvent {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  event: unknown;
  fields?: { event_id?: string; flowtrail_seq?: string };
}

/**
 * A collector that answers as Splunk's HEC does: 401 code 2/4 for a missing or
 * wrong token, 400 code 6 for bad JSON, 200 {text: Success, code: 0} and,
 * with `ack`, an ackId that /services/collector/ack reports as indexed
 * after `ackAfterPolls` polls. Only acknowledged batches count as received
 * when `ack` is on; `failNext` answers that many batches with 503 first.
 */
export async function startHecReceiver(o: { token: string; ack?: boolean; ackAfterPolls?: number }): Promise<Receiver<HecEvent> & { stats: { batches: number; failNext: number; channels: Set<string> } }> {
  const received: HecEvent[] = [];
  const pending = new Map<number, HecEvent[]>();
  const polls = new Map<number, number>();
  let nextAck = 0;
  const state = { batches: 0, failNext: 0, channels: new Set<string>() };
  const server: Server = createHttpServer(async (req, res) => {
    const body = await read(req);
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const auth = req.headers.authorization;
    if (auth === undefined) return answer(401, { text: 'Token is required', code: 2 });
    if (!same(auth, `Splunk ${o.token}`)) return answer(403, { text: 'Invalid token', code: 4 });
    const channel = req.headers['x-splunk-request-channel'];
    if (o.ack && typeof channel !== 'string') return answer(400, { text: 'Data channel is missing', code: 10 });
    if (typeof channel === 'string') state.channels.add(channel);
    if (req.url?.startsWith('/services/collector/ack')) {
      const { acks } = JSON.parse(body) as { acks: number[] };
      const out: Record<string, boolean> = {};
      for (const id of acks) {
        if (pending.has(id)) {
          const n = (polls.get(id) ?? 0) + 1;
          polls.set(id, n);
          if (n >= (o.ackAfterPolls ?? 2)) {
            received.push(...pending.get(id)!);
            pending.delete(id);
          }
        }
        out[String(id)] = !pending.has(id) && id < nextAck;
      }
      return answer(200, { acks: out });
    }
    if (req.url !== '/services/collector/event') return answer(404, { text: 'The requested URL was not found on this server.', code: 404 });
    if (state.failNext > 0) {
      state.failNext--;
      return answer(503, { text: 'Server is busy', code: 9 });
    }
    let events: HecEvent[];
    try {
      // HEC's batch format: JSON objects one after another, not an array.
      events = splitJsonObjects(body).map((o) => JSON.parse(o) as HecEvent);
    } catch {
      return answer(400, { text: 'Invalid data format', code: 6 });
    }
    state.batches++;
    if (!o.ack) {
      received.push(...events);
      return answer(200, { text: 'Success', code: 0 });
    }
    const id = nextAck++;
    pending.set(id, events);
    return answer(200, { text: 'Success', code: 0, ackId: id });
  });
  const r = await manage(server, 'http', received);
  return Object.assign(r, { stats: state });
}

/** HEC's batch body: JSON objects one after another; split where each top-level object ends. */
function splitJsonObjects(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) out.push(body.slice(start, i + 1));
    } else if (depth === 0 && !/\s/.test(c!)) throw new Error('not a HEC batch');
  }
  if (depth !== 0 || inString) throw new Error('not a HEC batch');
  return out;
}

export interface HttpDelivery {
  idempotencyKey: string | undefined;
  eventType: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** An HTTP receiver as one written for GitLab's audit streaming would be: 401 unless the streaming token matches. */
export async function startHttpReceiver(o: { token: string; header?: string }): Promise<Receiver<HttpDelivery> & { stats: { refused: number } }> {
  const received: HttpDelivery[] = [];
  const state = { refused: 0 };
  const header = (o.header ?? 'x-flowtrail-event-streaming-token').toLowerCase();
  const server = createHttpServer(async (req, res) => {
    const body = await read(req);
    const given = req.headers[header];
    if (typeof given !== 'string' || !same(given, o.token)) {
      state.refused++;
      res.writeHead(401).end('bad token');
      return;
    }
    received.push({ idempotencyKey: req.headers['idempotency-key'] as string | undefined, eventType: req.headers['x-flowtrail-audit-event-type'] as string | undefined, contentType: req.headers['content-type'], body });
    res.writeHead(200).end('ok');
  });
  const r = await manage(server, 'http', received);
  return Object.assign(r, { stats: state });
}

export interface SyslogMessage {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  sd: Record<string, string>;
  sdId: string;
  msg: string;
}

/** Parses one RFC 5424 message (the subset flowtrail writes: one SD element). */
export function parseRfc5424(raw: Buffer): SyslogMessage {
  const text = raw.toString('utf8');
  const m = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[([^ \]]+)((?: [^=\s]+="(?:[^"\\\]]|\\.)*")*)\]) ?([\s\S]*)$/.exec(text);
  if (m === null) throw new Error(`not an RFC 5424 message: ${text.slice(0, 200)}`);
  const sd: Record<string, string> = {};
  for (const p of (m[10] ?? '').matchAll(/ ([^=\s]+)="((?:[^"\\\]]|\\.)*)"/g)) sd[p[1]!] = p[2]!.replace(/\\(["\\\]])/g, '$1');
  const msg = m[11]!.startsWith('\ufeff') ? m[11]!.slice(1) : m[11]!;
  return { pri: Number(m[1]), version: Number(m[2]), timestamp: m[3]!, hostname: m[4]!, appName: m[5]!, sdId: m[9] ?? '-', sd, msg };
}

/** Splits a TCP stream into RFC 6587 octet-counted frames; throws on anything else. */
function frameReader(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let buffered = Buffer.alloc(0);
  return (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const space = buffered.indexOf(0x20);
      if (space === -1) return;
      const length = Number(buffered.subarray(0, space).toString('ascii'));
      if (!/^[1-9]\d*$/.test(buffered.subarray(0, space).toString('ascii'))) throw new Error('not an octet-counted frame');
      if (buffered.length < space + 1 + length) return;
      onFrame(buffered.subarray(space + 1, space + 1 + length));
      buffered = buffered.subarray(space + 1 + length);
    }
  };
}

/** A syslog collector over TCP (or TLS with the given key and certificate) keeping each parsed message. */
export async function startSyslogReceiver(tls?: { key: string; cert: string }): Promise<Receiver<SyslogMessage> & { errors: string[] }> {
  const received: SyslogMessage[] = [];
  const errors: string[] = [];
  const handle = (s: Socket) => {
    const feed = frameReader((frame) => received.push(parseRfc5424(frame)));
    s.on('data', (c: Buffer) => {
      try {
        feed(c);
      } catch (err) {
        errors.push(String(err));
        s.destroy();
      }
    });
    s.on('error', () => undefined);
  };
  const server: TcpServer = tls === undefined ? createTcpServer(handle) : createTlsServer({ key: tls.key, cert: tls.cert }, handle);
  const r = await manage(server, tls === undefined ? 'syslog' : 'syslog+tls', received, tls === undefined ? 'connection' : 'secureConnection');
  return Object.assign(r, { errors });
}

/** A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI. */
export function makeCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=flowtrail-test-${randomUUID().slice(0, 8)}`,
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until `check` holds, polling; throws with `what` after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * What at-least-once in order means for a receiver's record: every event of
 * the log arrives, first seen in the log's order, and nothing arrives ahead of
 * an event not yet delivered; a repeat (a batch sent again) may go back.
 */
export function expectInOrderWithoutGap(received: readonly number[], log: readonly number[]): void {
  const index = new Map(log.map((s, i) => [s, i]));
  let reached = -1;
  for (const s of received) {
    const i = index.get(s);
    expect(i, `seq ${s} is not in the log`).toBeDefined();
    expect(i!, `seq ${s} arrived before seq ${log[reached + 1]}`).toBeLessThanOrEqual(reached + 1);
    reached = Math.max(reached, i!);
  }
  expect(reached).toBe(log.length - 1);
}


export interface WebhookDelivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A chat-style incoming webhook (Slack, Mattermost, Teams answer 200 to a
 * good post): records every request as it came, headers and raw body;
 * `failNext` answers that many requests with 503 first.
 */
export async function startWebhookReceiver(): Promise<Receiver<WebhookDelivery> & { stats: { failNext: number; requests: number } }> {
  const received: WebhookDelivery[] = [];
  const state = { failNext: 0, requests: 0 };
  const server = createHttpServer(async (req, res) => {
    const body = await read(req);
    state.requests++;
    if (state.failNext > 0) {
      state.failNext--;
      res.writeHead(503).end('try later');
      return;
    }
    received.push({ headers: { ...req.headers }, body });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  const r = await manage(server, 'http', received);
  return Object.assign(r, { stats: state });
}
