// The read surfaces at scale (issue: 1,000,000 sessions and 10,000,000 audit
// events in PostgreSQL): p50/p95/p99 of the session list with each filter,
// the session detail, the audit dashboard and the GraphQL query, through the
// real app (routing, auth, queries, rendering) in this process. Baseline, same
// run: a bare Hono route answering a fixed JSON body of the same size as a
// list page. Builds the data set first when it is missing (bench/scale-data.ts).
import { Hono } from 'hono';
import { createApp } from '../src/app.js';
import type { AppDeps } from '../src/app-env.js';
import { createApiToken, createAuthenticator, createWebSessions, deriveCookieKey } from '../src/auth/index.js';
import { loadConfig } from '../src/config.js';
import { createNoteSigner, generateSigningKey, parseVerifierKey } from '../src/integrity/index.js';
import { createIntegrator } from '../src/log/index.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { createSanitizer } from '../src/sanitize/index.js';
import { connect, migrate } from '../src/store/index.js';
import { BENCH_PG_URL } from './bench-env.js';
import type { BenchReport } from './report.js';
import { buildScaleData, FLOW_TYPES, PROJECTS, SCALE_DB, USERS } from './scale-data.js';

const SESSIONS = Number(process.env.FLOWTRAIL_SCALE_SESSIONS ?? 1_000_000);
const ROUNDS = Number(process.env.FLOWTRAIL_SCALE_ROUNDS ?? 200);
const STATUSES = ['completed', 'failed', 'stopped', 'running', 'paused', 'created'];

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const userN = () => Math.floor(Math.random() * USERS);
const projectN = () => Math.floor(Math.random() * PROJECTS);
const username = () => `user${String(userN()).padStart(4, '0')}`;
const projectPath = () => { const p = projectN(); return `group-${Math.floor(p / 20)}/project-${p}`; };
const sessionId = () => `gl-${1 + Math.floor(Math.random() * SESSIONS)}`;
const day = (d: Date) => d.toISOString().slice(0, 10);

function quantiles(ms: number[]): { p50: number; p95: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

async function scaleUrl(): Promise<string> {
  const u = new URL(BENCH_PG_URL);
  u.pathname = `/${SCALE_DB}`;
  const url = u.toString();
  const sql = connect(url, 1);
  const n = await sql<{ n: number }[]>`select count(*)::int as n from sessions`.then((r) => r[0]!.n, () => 0);
  await sql.end();
  if (n === SESSIONS) return url;
  console.error(`building the data set: ${SESSIONS.toLocaleString('en-US')} sessions, ${(SESSIONS * 10).toLocaleString('en-US')} events ...`);
  return buildScaleData(SESSIONS);
}

export async function run(): Promise<BenchReport[]> {
  const url = await scaleUrl();
  const sql = connect(url, 4);
  await migrate(sql); // the read indexes of later migrations, on the data set as it is
  await sql`analyze sessions`;
  const config = loadConfig({ FLOWTRAIL_DATABASE_URL: url, FLOWTRAIL_LOG_LEVEL: 'silent', FLOWTRAIL_SANITIZER_KEY: 'scale-bench-sanitizer-key-0123456789', FLOWTRAIL_LOG_ORIGIN: 'flowtrail/scale' });
  const key = generateSigningKey('flowtrail/scale');
  const signer = createNoteSigner(key.privateKeyPem, 'flowtrail/scale');
  const log = createLogger('silent');
  const deps: AppDeps = {
    config, sql, dbKind: 'postgres', log, metrics: createMetrics(),
    sanitizer: createSanitizer({ key: Buffer.from('scale-bench-sanitizer-key-0123456789'), customPatterns: [], allowlist: [] }),
    integrator: createIntegrator({ sql, signer, origin: 'flowtrail/scale', checkpointEvents: 10_000, checkpointIntervalMs: 60_000, log }),
    authenticator: createAuthenticator(sql),
    webSessions: createWebSessions({ sql, key: deriveCookieKey(Buffer.from('scale-bench-sanitizer-key-0123456789')), publicUrl: config.http.publicUrl, hours: 8 }),
    verifiers: [parseVerifierKey(signer.verifierKey)], origin: 'flowtrail/scale',
  };
  const app = createApp(deps);
  const actor = { id: 'bench' };
  const admin = (await createApiToken(sql, { role: 'admin', name: 'scale bench admin' }, actor)).token;
  const person = username();
  const user = (await createApiToken(sql, { role: 'user', user: person, name: 'scale bench user' }, actor)).token;
  const cookieOf = async (token: string) => {
    const page = await app.request('/-/sign_in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const jar = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const res = await app.request('/-/sign_in', { method: 'POST', headers: { cookie: jar, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' }, body: new URLSearchParams({ token, _csrf: csrf }).toString() });
    return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  };
  const auditorCookie = await cookieOf(admin);
  const userCookie = await cookieOf(user);
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const gqlQuery = (args: string) => JSON.stringify({ query: `{ duoFlowSessions(first: 20${args}) { nodes { sessionId user { username } flowType status startedAt completedAt authorizationVerifiedAt authorizationMethod resourcesCreated { resourceType resourceId webUrl } planSummary decisionsLog } pageInfo { hasNextPage endCursor } } }` });

  const cases: { name: string; request: () => [string, RequestInit] }[] = [
    { name: 'REST session list, no filter', request: () => ['/api/v1/sessions', { headers: bearer(admin) }] },
    { name: 'REST session list, user', request: () => [`/api/v1/sessions?user=${username()}`, { headers: bearer(admin) }] },
    { name: 'REST session list, project', request: () => [`/api/v1/sessions?project=${encodeURIComponent(projectPath())}`, { headers: bearer(admin) }] },
    { name: 'REST session list, flow type', request: () => [`/api/v1/sessions?flow_type=${pick(FLOW_TYPES)}`, { headers: bearer(admin) }] },
    { name: 'REST session list, status', request: () => [`/api/v1/sessions?status=${pick(STATUSES)}`, { headers: bearer(admin) }] },
    { name: 'REST session list, 7-day window', request: () => { const to = new Date(Date.now() - Math.random() * 350 * 86_400_000); return [`/api/v1/sessions?from=${new Date(to.getTime() - 7 * 86_400_000).toISOString()}&to=${to.toISOString()}`, { headers: bearer(admin) }]; } },
    { name: 'REST session list, user token (own sessions)', request: () => ['/api/v1/sessions', { headers: bearer(user) }] },
    { name: 'page /-/duo/sessions (user)', request: () => ['/-/duo/sessions', { headers: { cookie: userCookie } }] },
    { name: 'page /-/duo/sessions, status filter (user)', request: () => [`/-/duo/sessions?status=${pick(STATUSES)}`, { headers: { cookie: userCookie } }] },
    { name: 'REST session detail', request: () => [`/api/v1/sessions/${sessionId()}`, { headers: bearer(admin) }] },
    { name: 'page session detail', request: () => [`/-/duo/sessions/${sessionId()}`, { headers: { cookie: auditorCookie } }] },
    { name: 'page audit dashboard', request: () => ['/admin/duo_agent_platform/audit', { headers: { cookie: auditorCookie } }] },
    { name: 'page audit dashboard, user filter', request: () => [`/admin/duo_agent_platform/audit?user=${username()}`, { headers: { cookie: auditorCookie } }] },
    { name: 'page audit dashboard, 7 days', request: () => { const to = new Date(Date.now() - Math.random() * 350 * 86_400_000); return [`/admin/duo_agent_platform/audit?from=${day(new Date(to.getTime() - 6 * 86_400_000))}&to=${day(to)}`, { headers: { cookie: auditorCookie } }]; } },
    { name: 'GraphQL duoFlowSessions, first 20', request: () => ['/api/graphql', { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: gqlQuery('') }] },
    { name: 'GraphQL duoFlowSessions, projectId gid', request: () => ['/api/graphql', { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: gqlQuery(`, projectId: "gid://gitlab/Project/${100000 + projectN()}"`) }] },
    { name: 'GraphQL duoFlowSessions, userId', request: () => ['/api/graphql', { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: gqlQuery(`, userId: "${1000 + userN()}"`) }] },
    { name: 'GraphQL duoFlowSessions, status', request: () => ['/api/graphql', { method: 'POST', headers: { ...bearer(admin), 'content-type': 'application/json' }, body: gqlQuery(`, status: ${pick(STATUSES)}`) }] },
  ];

  // Baseline: bare Hono answering a list page's JSON.
  const sample = await (await app.request('/api/v1/sessions', { headers: bearer(admin) })).text();
  const bare = new Hono();
  bare.get('/api/v1/sessions', (c) => c.body(sample, 200, { 'content-type': 'application/json' }));
  const baseTimes: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await (await bare.request('/api/v1/sessions')).text();
    baseTimes.push(performance.now() - t0);
  }
  const baseline = quantiles(baseTimes);

  const reports: BenchReport[] = [];
  for (const c of cases) {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS + 10; i++) {
      const [path, init] = c.request();
      const t0 = performance.now();
      const res = await app.request(path, init);
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200 || body.includes('"errors"')) throw new Error(`${c.name}: ${res.status} ${body.slice(0, 300)}`);
      if (i >= 10) times.push(ms); // the first ten warm the caches
    }
    const q = quantiles(times);
    reports.push({
      name: `${c.name} (1M sessions)`.replace('1M', `${(SESSIONS / 1e6).toLocaleString('en-US')}M`), metric: 'ms p95', value: q.p95,
      baseline: { name: 'bare Hono, same JSON, p95', value: baseline.p95 }, ratio: baseline.p95 / q.p95,
      target: '<= 50 ms p95', pass: q.p95 <= 50, notes: `p50 ${q.p50.toFixed(1)} ms, p95 ${q.p95.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms over ${ROUNDS} requests`,
    });
  }
  const [size] = await sql<{ sessions: string; events: string }[]>`select pg_size_pretty(pg_total_relation_size('sessions')) as sessions, pg_size_pretty(pg_total_relation_size('audit_events')) as events`;
  reports[0]!.notes += `; data set: ${SESSIONS.toLocaleString('en-US')} sessions (${size!.sessions}), ${(SESSIONS * 10).toLocaleString('en-US')} events (${size!.events}); user token bound to ${person}`;
  await sql.end();
  return reports;
}
