// A fake GitLab for the chaos harness: a real HTTP server in the harness's
// process (the replicas are other processes, so msw cannot reach them). It
// answers the calls src/gitlab/gitlab-client.ts makes, keeps each merge
// request's description and notes as GitLab would, and counts every write so
// the harness can check that each footer and each note was written once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BOT = { id: 9001, username: 'flowtrail-bot' };
const MARKER = /<!-- flowtrail:session=([A-Za-z0-9._:-]{1,128}) -->/g;

interface MergeRequest {
  description: string;
  notes: string[];
}

export interface FakeGitlab {
  url: string;
  /** Footer writes per `project/iid#session`: how many description edits added that session's marker. */
  footers: Map<string, number>;
  /** Notes posted per `project/iid#session`. */
  notes: Map<string, number>;
  /** Every request by `METHOD route`, and the ones no route answered. */
  calls: Map<string, number>;
  unknown: string[];
  close(): Promise<void>;
}

/** How many times each session's marker appears in a text. */
const markers = (text: string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const m of text.matchAll(MARKER)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
  return out;
};
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startFakeGitlab(): Promise<FakeGitlab> {
  const mrs = new Map<string, MergeRequest>();
  const footers = new Map<string, number>();
  const notes = new Map<string, number>();
  const calls = new Map<string, number>();
  const unknown: string[] = [];
  const mrOf = (project: string, iid: string) => {
    const key = `${decodeURIComponent(project)}/${iid}`;
    let mr = mrs.get(key);
    if (mr === undefined) mrs.set(key, (mr = { description: '', notes: [] }));
    return { key, mr };
  };
  const routes: [string, RegExp, (m: RegExpExecArray, req: IncomingMessage, res: ServerResponse) => Promise<void> | void][] = [
    ['GET', /^\/api\/v4\/user$/, (_m, _q, res) => json(res, 200, { ...BOT, name: 'flowtrail bot', state: 'active', bot: true })],
    ['GET', /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)$/, (m, _q, res) => {
      json(res, 200, { iid: Number(m[2]), description: mrOf(m[1]!, m[2]!).mr.description });
    }],
    ['PUT', /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)$/, async (m, req, res) => {
      const { key, mr } = mrOf(m[1]!, m[2]!);
      const body = await readBody(req);
      const next = String(body.description ?? '');
      const before = markers(mr.description);
      // A footer written twice into one description counts twice.
      for (const [s, n] of markers(next)) for (let i = before.get(s) ?? 0; i < n; i++) bump(footers, `${key}#${s}`);
      mr.description = next;
      json(res, 200, { iid: Number(m[2]), description: next });
    }],
    ['GET', /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes$/, (m, _q, res) => {
      json(res, 200, mrOf(m[1]!, m[2]!).mr.notes.map((body, i) => ({ id: i + 1, body, system: false })));
    }],
    ['POST', /^\/api\/v4\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes$/, async (m, req, res) => {
      const { key, mr } = mrOf(m[1]!, m[2]!);
      const body = String((await readBody(req)).body ?? '');
      for (const s of markers(body).keys()) bump(notes, `${key}#${s}`);
      mr.notes.push(body);
      json(res, 201, { id: mr.notes.length, body });
    }],
    ['GET', /^\/api\/v4\/projects\/([^/]+)\/repository\/commits$/, (_m, _q, res) => json(res, 200, [])],
    ['GET', /^\/api\/v4\/projects\/([^/]+)\/members\/all\/(\d+)$/, (m, _q, res) => json(res, 200, { id: Number(m[2]), access_level: 30 })],
    ['GET', /^\/api\/v4\/projects\/([^/]+)$/, (m, _q, res) => json(res, 200, { id: 4821, path_with_namespace: decodeURIComponent(m[1]!) })],
    ['GET', /^\/api\/v4\/ai\/duo_workflows\/workflows\/([^/]+)\/trace\.jsonl$/, (_m, _q, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end('');
    }],
    ['POST', /^\/api\/graphql$/, (_m, _q, res) => json(res, 200, { data: { project: { duoWorkflowWorkflows: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } } })],
  ];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes.find(([method, re]) => method === req.method && re.test(path));
    if (route === undefined) {
      unknown.push(`${req.method} ${path}`);
      json(res, 404, { message: '404 Not Found' });
      return;
    }
    bump(calls, `${route[0]} ${route[1].source}`);
    Promise.resolve(route[2](route[1].exec(path)!, req, res)).catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    footers, notes, calls, unknown,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
