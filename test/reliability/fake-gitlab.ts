import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delay, http, HttpResponse, passthrough, type HttpHandler } from 'msw';
import { BOT_USER, GITLAB } from '../support/gitlab.js';
import { createPrng } from '../../bench/prng.js';

// GitLab as the reliability tests play it: merge requests with descriptions
// and notes, the bot user, memberships and session traces, kept in memory and
// answered by one function, so msw (GITLAB) and a real HTTP server (which can
// drop connections for real) serve the same state. Every write is counted.

export interface FakeMergeRequest {
  description: string;
  notes: { id: number; body: string }[];
}

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeGitlab {
  mrs: Map<string, FakeMergeRequest>;
  /** Every write GitLab applied: `PUT !57` (a description) or `POST !57` (a note). */
  writes: string[];
  traceFetches: Map<string, number>;
  /** Requests to routes the fake does not know (must stay empty). */
  unexpected: string[];
  /** Answers one request against the state (applying writes). */
  answer(method: string, pathname: string, body: unknown): Answer;
  /** msw handlers for GITLAB, after an optional fault injector that sees each request first. */
  handlers(fault?: (request: Request) => Promise<HttpResponse<never> | Response | undefined> | undefined): HttpHandler[];
}

export const TRACE = '{"message_type":"agent","content":"Read the CI settings","timestamp":"2026-03-10T14:10:00+00:00","status":"success","message_id":"m1"}\n';

export function createFakeGitlab(descriptions: Record<string, string>, options: { latencyMs?: number } = {}): FakeGitlab {
  const mrs = new Map(Object.entries(descriptions).map(([iid, description]) => [iid, { description, notes: [] } as FakeMergeRequest]));
  const fake: FakeGitlab = {
    mrs, writes: [], traceFetches: new Map(), unexpected: [],
    answer(method, pathname, body) {
      const p = pathname.replace(/^\/api\/v4/, '');
      if (method === 'GET' && p === '/user') return { status: 200, body: { ...BOT_USER, state: 'active', bot: false } };
      let m = /^\/projects\/[^/]+\/members\/all\/(\d+)$/.exec(p);
      if (method === 'GET' && m !== null) return ['1187', '77215'].includes(m[1]!) ? { status: 200, body: { id: Number(m[1]), access_level: 30 } } : { status: 404, body: { message: '404 Not found' } };
      m = /^\/ai\/duo_workflows\/workflows\/([^/]+)\/trace\.jsonl$/.exec(p);
      if (method === 'GET' && m !== null) {
        fake.traceFetches.set(m[1]!, (fake.traceFetches.get(m[1]!) ?? 0) + 1);
        return { status: 200, body: TRACE, headers: { 'content-type': 'application/x-ndjson' } };
      }
      m = /^\/projects\/[^/]+\/merge_requests\/(\d+)(\/notes)?$/.exec(p);
      const mr = m === null ? undefined : mrs.get(m[1]!);
      if (m !== null && mr !== undefined) {
        const iid = m[1]!;
        if (m[2] === undefined && method === 'GET') return { status: 200, body: { iid: Number(iid), description: mr.description } };
        if (m[2] === undefined && method === 'PUT') {
          mr.description = String((body as { description?: unknown }).description);
          fake.writes.push(`PUT !${iid}`);
          return { status: 200, body: { iid: Number(iid), description: mr.description } };
        }
        if (m[2] !== undefined && method === 'GET') return { status: 200, body: mr.notes };
        if (m[2] !== undefined && method === 'POST') {
          const note = { id: 9000 + fake.writes.length, body: String((body as { body?: unknown }).body) };
          mr.notes.push(note);
          fake.writes.push(`POST !${iid}`);
          return { status: 201, body: note };
        }
      }
      fake.unexpected.push(`${method} ${pathname}`);
      return { status: 404, body: { message: '404 Not found' } };
    },
    handlers(fault) {
      return [http.all(`${GITLAB}/*`, async ({ request }) => {
        if (fault !== undefined) {
          const injected = await fault(request);
          if (injected !== undefined) return injected;
        }
        if (options.latencyMs !== undefined) await delay(options.latencyMs);
        const url = new URL(request.url);
        const body = request.method === 'GET' ? undefined : await request.json().catch(() => undefined);
        const a = fake.answer(request.method, url.pathname, body);
        return typeof a.body === 'string' ? new HttpResponse(a.body, { status: a.status, headers: a.headers }) : HttpResponse.json(a.body, { status: a.status, headers: a.headers });
      })];
    },
  };
  return fake;
}

/** mulberry32 (bench/prng.ts): a small seeded PRNG, so a run's faults can be replayed. */
export const seededRandom = (seed: number): (() => number) => createPrng(seed).next;

/**
 * One seeded PRNG per request key (method and path), so the n-th call to a
 * path meets the same fault in every run, however the workers' calls to
 * different paths interleave (they do differently on PostgreSQL and PGlite).
 */
export function seededPerRequest(seed: number): (key: string) => number {
  const streams = new Map<string, () => number>();
  return (key) => {
    let stream = streams.get(key);
    if (stream === undefined) {
      let h = seed >>> 0;
      for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
      stream = seededRandom(h);
      streams.set(key, stream);
    }
    return stream();
  };
}

export interface RealGitlab {
  url: string;
  server: Server;
  /** msw lets requests to this server through (onUnhandledRequest is 'error'). */
  passthrough: HttpHandler;
  close(): Promise<void>;
}

/**
 * The fake on a real HTTP server. `fault` may take a request over: 'drop'
 * destroys the socket before any answer, 'drop-after-apply' applies the write
 * and then destroys the socket (GitLab did it, flowtrail never heard),
 * 'half' sends the headers and part of the body and then destroys it, 'hang'
 * never answers.
 */
export async function startRealGitlab(fake: FakeGitlab, fault: (method: string, pathname: string) => 'drop' | 'drop-after-apply' | 'half' | 'hang' | null): Promise<RealGitlab> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = Buffer.concat(chunks).toString('utf8');
      const kind = fault(req.method ?? 'GET', url.pathname);
      if (kind === 'hang') return;
      if (kind === 'drop') return req.socket.destroy();
      const a = fake.answer(req.method ?? 'GET', url.pathname, text === '' ? undefined : JSON.parse(text));
      if (kind === 'drop-after-apply') return req.socket.destroy();
      const payload = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers, 'content-length': String(Buffer.byteLength(payload)) });
      if (kind === 'half') {
        res.write(payload.slice(0, Math.floor(payload.length / 2)));
        setTimeout(() => req.socket.destroy(), 5);
        return;
      }
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, server,
    passthrough: http.all(`${url}/*`, () => passthrough()),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
