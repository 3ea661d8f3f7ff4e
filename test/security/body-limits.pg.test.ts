import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';

const LIMIT = 256 * 1024; // FLOWTRAIL_MAX_BODY_BYTES for this file
const DECLARED = 80 * 1024 * 1024; // the Content-Length sent: over every limit, push checks' 64 MiB included
const OFFERED = 48 * 1024 * 1024; // the most the sender sends before giving up on an answer
// Held memory may grow by less than half of OFFERED over one pass of every route: a server that buffered
// a body would keep all of it (48 MiB), while warm caches and sockets not yet collected stay well below.
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const CHUNK_FRAME = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]);

interface Outcome { status: number; sentBeforeAnswer: number }

// A full garbage collection before each reading, so that what is counted is what is kept, not what awaits collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What the process keeps in JavaScript objects and buffers (rss also counts the database driver's and JIT's native memory). */
const held = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * Sends a request over a raw socket: the head, then body bytes until the
 * server answers (or OFFERED bytes are sent), honouring backpressure so the
 * sender itself buffers nothing. Returns the status and how much was sent
 * before the answer came.
 */
function send(port: number, method: string, path: string, framing: 'length' | 'chunked', headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let sent = 0;
    let answered: number | null = null;
    let head = '';
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const framingHeader = framing === 'length' ? `content-length: ${DECLARED}\r\n` : 'transfer-encoding: chunked\r\n';
    socket.on('data', (d) => {
      if (answered !== null) return;
      head += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (m !== null) {
        answered = Number(m[1]);
        resolve({ status: answered, sentBeforeAnswer: sent });
        socket.destroy();
      }
    });
    socket.on('error', (err) => (answered === null ? reject(err) : undefined));
    socket.on('close', () => (answered === null ? reject(new Error(`${method} ${path}: closed without an answer after ${sent} bytes`)) : undefined));
    socket.on('connect', async () => {
      socket.write(`${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\n${framingHeader}${extra}\r\n`);
      while (answered === null && sent < OFFERED && !socket.destroyed) {
        const frame = framing === 'length' ? CHUNK : CHUNK_FRAME;
        sent += CHUNK.length;
        if (!socket.write(frame)) await new Promise<void>((r) => { socket.once('drain', r); socket.once('close', r); });
      }
      if (framing === 'chunked' && answered === null && !socket.destroyed) socket.write('0\r\n\r\n');
      // A server that read all it was sent and still waits for the declared rest never answers: that is a failure too.
      setTimeout(() => {
        if (answered !== null) return;
        answered = 0;
        resolve({ status: 0, sentBeforeAnswer: sent });
        socket.destroy();
      }, 2000);
    });
  });
}

/**
 * Attack: an oversized body to any route, e.g. 64 MiB to POST /-/sign_in,
 * which parsed the whole form before checking anything. Afterwards one limit
 * sits in front of every route: a declared length over it is refused before
 * a byte is read, a chunked body is cut at the limit, and a route that takes
 * no body never reads it.
 */
describe('every route refuses an oversized body without reading it', () => {
  const t = useTestApp({ FLOWTRAIL_MAX_BODY_BYTES: String(LIMIT) });
  let server: ServerType;
  let port = 0;
  beforeAll(async () => {
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /**
   * What the process holds once the server has let go of every connection the
   * sender dropped: on a busy machine the server side of a destroyed socket
   * (and the chunks it had read) is released a little later, and counting it
   * would blame the body limit for the scheduler.
   */
  const settledHeld = async (): Promise<number> => {
    for (let i = 0; i < 100; i++) {
      const open = await new Promise<number>((resolve) => server.getConnections((err, n) => resolve(err ? 0 : n)));
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setImmediate(r));
    return held();
  };

  /** Every method and path the app registers (not its middleware), with parameters filled in. */
  const routes = () => {
    const seen = new Set<string>();
    for (const r of t.app.routes) {
      if (r.path.includes('*')) continue;
      const method = r.method === 'ALL' ? 'POST' : r.method;
      seen.add(`${method} ${r.path.replace(/:[A-Za-z_]+(\{[^}]*\})?/g, 'x')}`);
    }
    for (const m of ['PUT', 'PATCH', 'DELETE']) seen.add(`${m} /api/v1/sessions`);
    seen.add('POST /no/such/route');
    return [...seen].map((s) => s.split(' ') as [string, string]);
  };

  it('lists the routes from the app itself', () => {
    const list = routes().map(([m, p]) => `${m} ${p}`);
    expect(list).toEqual(expect.arrayContaining(['POST /-/sign_in', 'POST /webhooks/gitlab', 'POST /api/v1/flow-events', 'GET /api/graphql', 'POST /admin/duo_agent_platform/audit/export']));
    expect(list.length).toBeGreaterThan(30);
  });

  it('answers 413 to a declared Content-Length over the limit on every route, before reading the body', async () => {
    for (const [method, path] of routes()) if (method !== 'HEAD') await send(port, method, path, 'length'); // warm-up
    const before = await settledHeld();
    const got: Record<string, string> = {};
    for (const [method, path] of routes()) {
      if (method === 'HEAD') continue;
      const r = await send(port, method, path, 'length');
      got[`${method} ${path}`] = `${r.status}${r.sentBeforeAnswer > 16 * 1024 * 1024 ? ' after reading the body' : ''}`;
    }
    expect(Object.entries(got).filter(([, v]) => v !== '413')).toEqual([]);
    expect((await settledHeld()) - before).toBeLessThan(OFFERED / 2);
  });

  it('cuts a chunked body at the limit on every route that reads one, and never reads it where the route takes none', async () => {
    // Warm-up, as above: the first chunked request to each route compiles and caches what later ones reuse.
    for (const [method, path] of routes()) if (method !== 'HEAD') await send(port, method, path, 'chunked');
    const before = await settledHeld();
    const bad: string[] = [];
    for (const [method, path] of routes()) {
      if (method === 'HEAD') continue;
      const r = await send(port, method, path, 'chunked');
      // Whatever the route answers (413 when it reads the body; 401, 403, 404, 405 when it refuses first), it answers
      // before the sender is through: the server stops reading at the limit (a socket's buffers hold a few MiB more).
      if (r.status >= 500 || r.sentBeforeAnswer >= 24 * 1024 * 1024) bad.push(`${method} ${path}: ${r.status} after ${r.sentBeforeAnswer} bytes`);
    }
    expect(bad).toEqual([]);
    expect((await settledHeld()) - before).toBeLessThan(OFFERED / 2);
  });

  it('answers 413 to chunked bodies over the limit where they are read: sign-in, webhooks, and the API with a token', async () => {
    for (const path of ['/-/sign_in', '/webhooks/gitlab']) {
      expect((await send(port, 'POST', path, 'chunked')).status, path).toBe(413);
    }
    expect((await send(port, 'POST', '/webhooks/gitlab/audit-events', 'chunked', { 'x-gitlab-event-streaming-token': STREAMING_TOKEN })).status).toBe(413);
    const ingest = await t.token('ingest');
    expect((await send(port, 'POST', '/api/v1/flow-events', 'chunked', { authorization: `Bearer ${ingest}` })).status).toBe(413);
    const admin = await t.token('admin');
    expect((await send(port, 'POST', '/api/v1/tokens', 'chunked', { authorization: `Bearer ${admin}` })).status).toBe(413);
  });
});
