import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STREAMING_TOKEN, useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { csrfOf, WebClient } from '../support/web.js';

// Attack: malformed requests against every ingest route, as an attacker (or a
// broken sender) would send them: timestamps JavaScript reads and PostgreSQL
// refuses, lone UTF-16 surrogates and NUL characters in texts, keys and field
// names, bodies that are not objects, nesting 10,000 and 1,000,000 deep, huge
// arrays, bad lines among good NDJSON. None may get a 5xx: the API answers its
// 4xx with what is wrong and where, and stores nothing of a refused event (the
// rest of a batch is stored, as docs/api.md says); webhooks answer 200 and
// keep the delivery, as unprocessable with its reason when it cannot be stored
// as sent. The read surfaces get the same treatment. Afterwards the log verifies.

const WEBHOOK_SECRET = 'webhook-secret-for-malformed-tests';
type Route = 'flow' | 'webhook' | 'audit' | 'push';
type Want =
  | { refused: RegExp } // 400 (API), or 413 with tooLarge; nothing stored
  | { tooLarge: true }
  | { accepted: number; rejected?: RegExp } // 202/200; with `rejected`, item 1 is refused with that error and not stored
  | { delivery: 'stored' | 'unprocessable'; reason?: RegExp };
interface Attack { route: Route; name: string; body: string | Uint8Array; type?: string; want: Want; badId?: string }

/** JSON text with placeholders turned into escapes no JSON encoder writes from well-formed text. */
const ESCAPES: Record<string, string> = { '@HI@': '\\ud800', '@LO@': '\\udfff', '@REV@': '\\udc00\\ud83d', '@NUL@': '\\u0000', '@PAIR@': '\\ud83d\\ude00' };
function raw(v: unknown): string {
  let s = JSON.stringify(v);
  for (const [k, e] of Object.entries(ESCAPES)) s = s.split(k).join(e);
  return s;
}
const deep = (n: number, open: string, close: string) => `${open.repeat(n)}1${close.repeat(n)}`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SURROGATE = 'contains a lone UTF-16 surrogate';
const NUL = 'contains the NUL character';
const problem = (path: string, what: string) => new RegExp(`^${escape(path)}: (the name )?${what}`);

/** Timestamps refused as occurred_at (and decided_at), with what the answer says. */
const BAD_TIMES: [string, string][] = [
  ['0000-01-01T00:00:00Z', 'is before 1970'], ['0000-12-31T23:59:59+15:00', 'is before 1970'], ['0001-01-01T00:30:00+01:00', 'is before 1970'],
  ['0001-01-01T00:00:00Z', 'is before 1970'], ['1900-01-01T00:00:00Z', 'is before 1970'], ['1969-12-31T23:59:59Z', 'is before 1970'],
  ['9999-12-31T23:59:59Z', 'is more than 24 hours in the future'], ['2026-03-10T14:00:00+23:59', 'has a UTC offset beyond'], ['2026-03-10T14:00:00-16:00', 'has a UTC offset beyond'],
  ...['10000-01-01T00:00:00Z', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '+275760-09-13T00:00:00.001Z', '275760-09-14T00:00:00Z',
    '-271821-04-19T00:00:00Z', '2016-12-31T23:59:60Z', '2026-03-10T14:00:00+24:00', '2026-03-10T14:00:00+99:99', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z',
    '2026-03-10T24:00:00Z', '2026-03-10 14:00:00Z', '2026-03-10T14:00:00', '2026-03-10T14:00:00.Z', ''].map((t): [string, string] => [t, 'Invalid ISO datetime']),
];
/** Odd but valid: stored, and the log still verifies with them. */
const ODD_TIMES = ['2026-03-10T14:00:00+15:59', '2026-03-10T14:00:00-15:59', '2026-03-10T14:00:00.123456789Z', '2026-03-10T14:00:00.9999995Z', '2026-03-10T23:59:59.9999999-00:01', '1970-01-01T00:00:00Z'];
/** The audit stream reads GitLab's created_at leniently (Date.parse): these are accepted there. */
const AUDIT_LENIENT = new Set(['2026-02-30T00:00:00Z', '2026-03-10T24:00:00Z', '2026-03-10 14:00:00Z', '2026-03-10T14:00:00']);

/** Texts that cannot be stored as sent: [name, change to an object, path of the problem, what]. */
const TEXTS: [string, (e: Record<string, unknown>) => Record<string, unknown>, string, string][] = [
  ['lone high surrogate in a text', (e) => ({ ...e, input_prompt: 'a@HI@b' }), 'input_prompt', SURROGATE],
  ['lone low surrogate in a text', (e) => ({ ...e, input_prompt: '@LO@' }), 'input_prompt', SURROGATE],
  ['reversed pair in a text', (e) => ({ ...e, input_prompt: 'x@REV@' }), 'input_prompt', SURROGATE],
  ['lone surrogate in a key', (e) => ({ ...e, input_context: { 'k@HI@': 1 } }), 'input_context."k\\ud800"', SURROGATE],
  ['lone surrogate in a field name', (e) => ({ ...e, 'extra@LO@': 1 }), '"extra\\udfff"', SURROGATE],
  ['lone surrogate nested in arrays', (e) => ({ ...e, input_context: { a: [[{ b: ['@HI@'] }]] } }), 'input_context.a.0.0.b.0', SURROGATE],
  ['lone surrogate in the type', (e) => ({ ...e, type: 'duo_flow_started@HI@' }), 'type', SURROGATE],
  ['lone surrogate in the session id', (e) => ({ ...e, session_id: 's@HI@' }), 'session_id', SURROGATE],
  ['NUL in a text', (e) => ({ ...e, input_prompt: 'a@NUL@b' }), 'input_prompt', NUL],
  ['NUL in a key', (e) => ({ ...e, input_context: { 'k@NUL@': 1 } }), 'input_context."k\\u0000"', NUL],
  ['NUL in a field name', (e) => ({ ...e, 'x@NUL@': 'y' }), '"x\\u0000"', NUL],
  ['NUL in the user name', (e) => ({ ...e, user: { id: 1, username: 'd@NUL@' } }), 'user.username', NUL],
];

const ROUTES: Route[] = ['flow', 'webhook', 'audit', 'push'];
const refused = (r: RegExp): Want => ({ refused: r });
const unprocessable = (r: RegExp): Want => ({ delivery: 'unprocessable', reason: r });

/** Bodies sent to every route: [name, body, content type, what each route answers]. */
const BODIES: [string, string | Uint8Array, string | undefined, Record<Route, Want>][] = [
  ...(['null', '""', 'true', '42', '123456789012345678901234567890123456789', '[null]', '[[]]'] as const).map((b): [string, string, undefined, Record<Route, Want>] => [`body ${b}`, b, undefined, {
    flow: refused(/an event must be a JSON object/), webhook: unprocessable(/^the body is not a JSON object$/), audit: refused(/an audit event must be a JSON object/), push: refused(/^body: Invalid input: expected object/),
  }]),
  ...(['-1e999', '1e999'] as const).map((b): [string, string, undefined, Record<Route, Want>] => [`body ${b}`, b, undefined, {
    flow: refused(/an event must be a JSON object/), webhook: unprocessable(/^the body is not a JSON object$/), audit: refused(/^event: is a number out of range/), push: refused(/^body: Invalid input: expected object/),
  }]),
  ['body []', '[]', undefined, { flow: refused(/no event in the request was valid/), webhook: unprocessable(/not a JSON object/), audit: refused(/no audit event in the request was valid/), push: refused(/expected object, received array/) }],
  ['body {}', '{}', undefined, { flow: refused(/event_id: is required/), webhook: { delivery: 'stored' }, audit: refused(/event_type: is required/), push: refused(/^project_path: /) }],
  ['an empty body', '', undefined, { flow: refused(/the request body is empty/), webhook: unprocessable(/^the body is not JSON$/), audit: refused(/the request body is empty/), push: refused(/the body is not JSON/) }],
  ['a blank body', ' \n ', undefined, { flow: refused(/the request body is empty/), webhook: unprocessable(/^the body is not JSON$/), audit: refused(/the request body is empty/), push: refused(/the body is not JSON/) }],
  ['truncated JSON', '{"a":', undefined, { flow: refused(/the body is not valid JSON/), webhook: unprocessable(/^the body is not JSON$/), audit: refused(/the body is not valid JSON/), push: refused(/the body is not JSON/) }],
  ['a form body', 'a=1&b=2', 'application/x-www-form-urlencoded', { flow: refused(/not valid JSON/), webhook: unprocessable(/^the body is not JSON$/), audit: refused(/not valid JSON/), push: refused(/the body is not JSON/) }],
  ['a multipart body', '--x\r\n\r\n--x--', 'multipart/form-data; boundary=x', { flow: refused(/neither JSON nor NDJSON/), webhook: unprocessable(/^the body is not JSON$/), audit: refused(/not valid JSON/), push: refused(/the body is not JSON/) }],
  ['invalid UTF-8 bytes', Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x22, 0x7d]), undefined, {
    flow: refused(/event_id: is required/), webhook: { delivery: 'stored' }, audit: refused(/event_type: is required/), push: refused(/^project_path: /),
  }],
  ['objects 10,000 deep', deep(10_000, '{"a":', '}'), undefined, { flow: refused(/nested deeper than 64 levels/), webhook: unprocessable(/^the body is nested deeper than 64 levels$/), audit: refused(/nested deeper than 64 levels/), push: refused(/^project_path: /) }],
  ...[10_000, 1_000_000].map((n): [string, string, undefined, Record<Route, Want>] => [`arrays ${n} deep`, deep(n, '[', ']'), undefined, {
    flow: refused(/nested deeper than 64 levels/), webhook: unprocessable(/^the body is not a JSON object$/), audit: refused(/nested deeper than 64 levels/), push: refused(/expected object, received array/),
  }]),
  ['an array of 100,000 nulls', `[${Array(100_000).fill('null').join(',')}]`, undefined, { flow: { tooLarge: true }, webhook: unprocessable(/not a JSON object/), audit: { tooLarge: true }, push: refused(/expected object, received array/) }],
];

function attacks(): Attack[] {
  const list: Attack[] = [];
  const add = (route: Route, name: string, body: string | Uint8Array, want: Want, extra: Partial<Attack> = {}) => list.push({ route, name, body, want, ...extra });
  const ev = () => startedEvent(`mal-${randomUUID().slice(0, 8)}`, at(0));
  const tail = (e: unknown, more: string) => `${raw(e).slice(0, -1)},${more}}`;
  // Flow events.
  for (const [t, says] of BAD_TIMES) add('flow', `occurred_at ${t}`, raw({ ...ev(), occurred_at: t }), refused(new RegExp(`^occurred_at: ${escape(says)}`)));
  for (const t of ODD_TIMES) add('flow', `occurred_at ${t}`, raw({ ...ev(), occurred_at: t }), { accepted: 1 });
  add('flow', 'occurred_at a number', raw({ ...ev(), occurred_at: 1773151200000 }), refused(/^occurred_at: /));
  for (const [name, change, path, what] of TEXTS) {
    const bad = change(ev());
    add('flow', name, raw(bad), refused(problem(path, what)));
    const beside = change(ev());
    add('flow', `${name}, in an array beside a good event`, `[${raw(ev())},${raw(beside)}]`, { accepted: 1, rejected: problem(path, what) }, { badId: String(beside.event_id) });
    const line = change(ev());
    add('flow', `${name}, in NDJSON`, `${raw(ev())}\n${raw(line)}\n`, { accepted: 1, rejected: problem(path, what) }, { type: 'application/x-ndjson', badId: String(line.event_id) });
  }
  add('flow', 'a valid surrogate pair', raw({ ...ev(), input_prompt: '@PAIR@' }), { accepted: 1 });
  add('flow', 'BOM before the JSON', `\uFEFF${raw(ev())}`, { accepted: 1 });
  add('flow', 'an extra field nested 10,000 deep', tail(ev(), `"x":${deep(10_000, '{"a":', '}')}`), refused(/nested deeper than 64 levels/));
  add('flow', 'an extra field of arrays 10,000 deep', tail(ev(), `"x":${deep(10_000, '[', ']')}`), refused(/nested deeper than 64 levels/));
  add('flow', 'a field of 100,000 numbers', raw({ ...ev(), input_context: { n: Array(100_000).fill(7) } }), { accepted: 1 });
  add('flow', 'an extra field 1e999', tail(ev(), '"x":1e999'), refused(/^x: is a number out of range/));
  add('flow', 'an extra field -1e999, nested', tail(ev(), '"x":{"y":[-1e999]}'), refused(/^x\.y\.0: is a number out of range/));
  add('flow', 'a step of 1e300', raw(flowEvent('duo_flow_decision_logged', 'mal-step', at(1), { step: 1e300, decision: 'x' })), refused(/^step: /));
  add('flow', 'duplicate keys', tail(ev(), '"input_prompt":"second","input_prompt":"third"'), { accepted: 1 });
  add('flow', 'NDJSON with a bad line among good ones', `${raw(ev())}\n{"a":\n${raw(ev())}\n`, { accepted: 2, rejected: /^line 2 is not valid JSON/ }, { type: 'application/x-ndjson' });
  add('flow', 'NDJSON with a line 10,000 deep', `${raw(ev())}\n${deep(10_000, '[', ']')}\n`, { accepted: 1, rejected: /nested deeper than 64 levels/ }, { type: 'application/x-ndjson' });
  for (const [name, body, type, want] of BODIES) for (const route of ROUTES) add(route, name, body, want[route], { type });
  // Webhooks: lone surrogates become U+FFFD; what cannot be stored is kept as unprocessable.
  const push = () => ({ object_kind: 'push', ref: 'refs/heads/main', before: '0'.repeat(40), after: '1'.repeat(40), project: { id: 4821, path_with_namespace: 'acme/p' }, commits: [], total_commits_count: 0 });
  for (const [name, change, path, what] of TEXTS) add('webhook', name, raw(change(push())), what === NUL ? unprocessable(problem(path, what)) : { delivery: 'stored' });
  add('webhook', 'BOM before the JSON', `\uFEFF${raw(push())}`, { delivery: 'stored' });
  add('webhook', 'a commit dated year 0000', raw({ ...push(), commits: [{ id: 'a'.repeat(40), message: 'x', timestamp: '0000-01-01T00:00:00Z', author: { name: 'a', email: 'a@b.c' } }], total_commits_count: 1 }), { delivery: 'stored' });
  add('webhook', 'an extra field 1e999', tail(push(), '"x":1e999'), unprocessable(/^x: is a number out of range/));
  add('webhook', 'a flow callback with NUL in the workflow id', raw({ object_kind: 'duo_workflow', event: 'flow.started', event_id: 'e1', workflow: { id: '9@NUL@1' } }), unprocessable(problem('workflow.id', NUL)));
  // Audit event streaming.
  const audit = () => ({ id: Math.floor(Math.random() * 1e12), event_type: 'duo_session_started', created_at: at(2), author_id: 7, author_name: 'Dana', entity_type: 'Project', entity_id: 4821, entity_path: 'acme/p', target_id: 9137, target_details: 'software_development session 9137', details: {} });
  for (const [t, says] of BAD_TIMES) {
    add('audit', `created_at ${t}`, raw({ ...audit(), created_at: t }), AUDIT_LENIENT.has(t) ? { accepted: 1 } : refused(says === 'Invalid ISO datetime' ? /^created_at: / : new RegExp(`^created_at: ${escape(says)}`)));
  }
  for (const t of ODD_TIMES) add('audit', `created_at ${t}`, raw({ ...audit(), created_at: t }), { accepted: 1 });
  for (const [name, change, path, what] of TEXTS) {
    const inDetails = (a: Record<string, unknown>) => ({ ...a, details: change({ type: 'x', session_id: 's', input_prompt: '', user: {} }) });
    add('audit', `${name} (in details)`, raw(inDetails(audit())), refused(problem(`details.${path}`, what)));
    const bad = inDetails(audit());
    add('audit', `${name} (in details), beside a good one`, `[${raw(audit())},${raw(bad)}]`, { accepted: 1, rejected: problem(`details.${path}`, what) }, { badId: String(bad.id) });
  }
  add('audit', 'NUL in the event type', raw({ ...audit(), event_type: 'custom@NUL@' }), refused(problem('event_type', NUL)));
  add('audit', 'lone surrogate in the event type', raw({ ...audit(), event_type: 'custom@HI@' }), refused(problem('event_type', SURROGATE)));
  add('audit', 'NUL in the author name', raw({ ...audit(), author_name: 'D@NUL@' }), refused(problem('author_name', NUL)));
  add('audit', 'NUL in the id', raw({ ...audit(), id: '9@NUL@' }), refused(problem('id', NUL)));
  for (const type of ['__proto__', 'constructor', 'toString']) add('audit', `event_type ${type}`, raw({ ...audit(), event_type: type }), { accepted: 1 });
  add('audit', 'an extra field 1e999', tail(audit(), '"x":1e999'), refused(/^x: is a number out of range/));
  // Push checks: committed_at is read as git reports it; decided_at dates the recorded report.
  const pc = () => ({ project_path: 'acme/p', protocol: 'ssh', username: 'dana', gl_id: 'user-1', gl_repository: 'project-1', mode: 'enforce', refs: [{ old: '0'.repeat(40), new: '1'.repeat(40), ref: 'refs/heads/main' }], commits: [{ sha: '1'.repeat(40), short_sha: '1111111', author_name: 'a', author_email: 'a@b.c', committed_at: at(3), references: [] as unknown[] }] });
  const commitAt = (t: string, dry: boolean) => raw({ ...pc(), ...(dry ? { dry_run: true } : {}), commits: [{ ...pc().commits[0], committed_at: t }] });
  for (const [t, says] of BAD_TIMES) {
    const zod = says === 'Invalid ISO datetime';
    for (const dry of [false, true]) add('push', `${dry ? 'dry run, ' : ''}committed_at ${t}`, commitAt(t, dry), zod ? refused(/^commits\.0\.committed_at: Invalid ISO datetime/) : { accepted: 1 });
    add('push', `decided_at ${t}`, raw({ ...pc(), unchecked: { report_id: randomUUID(), reason: 'down', decided_at: t, accepted: true } }), refused(new RegExp(`^unchecked\\.decided_at: ${escape(says)}`)));
  }
  for (const t of ODD_TIMES) add('push', `decided_at ${t}`, raw({ ...pc(), unchecked: { report_id: randomUUID(), reason: 'down', decided_at: t, accepted: true } }), { accepted: 1 });
  for (const [name, v, what] of [['NUL', 'a@NUL@b', NUL], ['lone surrogate', 'a@HI@b', SURROGATE]] as const) {
    add('push', `${name} in the project path`, raw({ ...pc(), project_path: v }), refused(problem('project_path', what)));
    add('push', `${name} in a ref`, raw({ ...pc(), refs: [{ ...pc().refs[0], ref: `refs/heads/${v}` }] }), refused(problem('refs.0.ref', what)));
    add('push', `${name} in the username`, raw({ ...pc(), username: v }), refused(problem('username', what)));
    add('push', `${name} in an author name`, raw({ ...pc(), commits: [{ ...pc().commits[0], author_name: v }] }), refused(problem('commits.0.author_name', what)));
    add('push', `${name} in a trailer`, raw({ ...pc(), commits: [{ ...pc().commits[0], references: [{ key: 'X-GitLab-Duo-Session', reference: v, session_id: v }] }] }), refused(problem('commits.0.references.0.reference', what)));
    add('push', `${name} in the unchecked reason`, raw({ ...pc(), unchecked: { report_id: randomUUID(), reason: v, decided_at: at(4), accepted: false } }), refused(problem('unchecked.reason', what)));
    add('push', `${name} in an unknown key (dropped, not stored)`, raw({ ...pc(), [`k${v}`]: 1 }), { accepted: 1 });
  }
  add('push', 'an unknown field 10,000 deep (dropped)', tail(pc(), `"x":${deep(10_000, '{"a":', '}')}`), { accepted: 1 });
  return list;
}

const PATHS: Record<Route, string> = { flow: '/api/v1/flow-events', webhook: '/webhooks/gitlab', audit: '/webhooks/gitlab/audit-events', push: '/api/v1/push-checks' };

describe('malformed input on every ingest route', () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET });

  async function counts(): Promise<{ events: number; deliveries: number; jobs: number }> {
    await t.deps.integrator.integrate();
    const [row] = await t.deps.sql<{ events: number; deliveries: number; jobs: number }[]>`
      select (select count(*)::int from audit_events) as events, (select count(*)::int from deliveries) as deliveries, (select count(*)::int from jobs) as jobs`;
    return row!;
  }

  function send(a: Attack, ingest: string, key: string): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': a.type ?? 'application/json' };
    if (a.route === 'flow' || a.route === 'push') headers.authorization = `Bearer ${ingest}`;
    if (a.route === 'webhook') Object.assign(headers, { 'x-gitlab-token': WEBHOOK_SECRET, 'x-gitlab-event': 'Push Hook', 'idempotency-key': key });
    if (a.route === 'audit') headers['x-gitlab-event-streaming-token'] = STREAMING_TOKEN;
    return t.app.request(PATHS[a.route], { method: 'POST', headers, body: a.body });
  }

  it('answers each with its 4xx (webhooks 200), stores nothing of what it refuses, and the log still verifies', async () => {
    const ingest = await t.token('ingest');
    const list = attacks();
    expect(list.length).toBeGreaterThan(300);
    const failures: string[] = [];
    const unprocessableIds: number[] = [];
    for (const [i, a] of list.entries()) {
      const label = `${a.route} ${a.name}`;
      const before = await counts();
      const res = await send(a, ingest, `attack-${i}`);
      const body = (await res.json()) as Record<string, unknown>;
      const after = await counts();
      const d = { events: after.events - before.events, deliveries: after.deliveries - before.deliveries, jobs: after.jobs - before.jobs };
      // What the answer says: its message and each rejection's error.
      const said = [body.message, ...((body.rejected as { error: string }[] | undefined) ?? []).map((r) => r.error)].filter((s): s is string => typeof s === 'string');
      const fail = (why: string) => failures.push(`${label}: ${why} (status ${res.status}, ${JSON.stringify(body).slice(0, 300)})`);
      const w = a.want;
      if ('refused' in w) {
        if (res.status !== 400 || body.error !== 'invalid') fail('expected 400 invalid');
        else if (!said.some((m) => w.refused.test(m))) fail(`expected ${w.refused}`);
        if (d.events !== 0 || d.deliveries !== 0 || d.jobs !== 0) fail(`stored something: ${JSON.stringify(d)}`);
      } else if ('tooLarge' in w) {
        if (res.status !== 413 || d.events !== 0) fail('expected 413 and nothing stored');
      } else if ('accepted' in w) {
        const rejected = (body.rejected as { index: number; error: string }[] | undefined) ?? [];
        if (res.status !== (a.route === 'flow' ? 202 : 200)) fail('expected it accepted');
        if (a.route !== 'push' && body.accepted !== w.accepted) fail(`expected ${w.accepted} accepted`);
        if (w.rejected === undefined ? rejected.length !== 0 : rejected.length !== 1 || rejected[0]!.index !== 1 || !w.rejected.test(rejected[0]!.error)) fail(`expected rejected ${w.rejected}`);
        if (d.events < w.accepted || d.deliveries !== 0) fail(`stored ${JSON.stringify(d)}`);
        if (a.route === 'flow' && d.events !== w.accepted) fail(`stored ${d.events} events`);
        if (a.badId !== undefined) {
          const [n] = await t.deps.sql<{ n: number }[]>`select count(*)::int as n from audit_events where event_id::text = ${a.badId} or strpos(leaf, ${`"source_id":"${a.badId}"`}) > 0`;
          if (n!.n !== 0) fail('stored the refused item');
        }
      } else {
        if (res.status !== 200 || body.status !== w.delivery) fail(`expected 200 ${w.delivery}`);
        if (w.reason !== undefined && !w.reason.test(String(body.reason))) fail(`expected the reason ${w.reason}`);
        if (d.deliveries !== 1 || d.jobs !== 1 || d.events !== 0) fail(`expected one delivery and its job, stored ${JSON.stringify(d)}`);
        const [row] = await t.deps.sql<{ id: number; body: Record<string, unknown> }[]>`select id, body from deliveries order by id desc limit 1`;
        if (w.delivery === 'unprocessable') {
          unprocessableIds.push(row!.id);
          const kept = row!.body.flowtrail_unprocessable as Record<string, unknown> | undefined;
          if (Object.keys(row!.body).length !== 1 || kept?.reason !== body.reason || typeof kept.sha256 !== 'string' || typeof kept.bytes !== 'number') fail(`kept ${JSON.stringify(row!.body).slice(0, 200)}`);
        } else if (/surrogate/.test(a.name) && !JSON.stringify(row!.body).includes('\uFFFD')) {
          fail('expected the lone surrogate replaced by U+FFFD');
        }
      }
    }
    expect(failures).toEqual([]);
    // Redelivered (GitLab retries what it thinks failed): a duplicate, never a second delivery.
    const again = list.findIndex((a) => a.route === 'webhook' && a.name === 'body null');
    expect(await (await send(list[again]!, ingest, `attack-${again}`)).json()).toEqual({ status: 'duplicate' });
    // The worker finishes every delivery job once, and says why for the unprocessable ones: no retry, no dead letter.
    await t.jobRunner(null).runDue();
    const jobs = await t.deps.sql<{ state: string; result: string; deliveryId: number }[]>`
      select state, result, (payload->>'delivery_id')::int as delivery_id from jobs where name = 'gitlab.delivery'`;
    expect(jobs.filter((j) => j.state !== 'done')).toEqual([]);
    const unprocessable = jobs.filter((j) => unprocessableIds.includes(j.deliveryId));
    expect(unprocessable).toHaveLength(unprocessableIds.length);
    for (const j of unprocessable) expect(j.result).toMatch(/^unprocessable: .+; not acted on$/);
    const admin = await t.token('admin');
    const listed = (await (await t.get('/api/v1/jobs?state=done&limit=100', admin)).json()) as { jobs: { result: string }[] };
    expect(listed.jobs.map((j) => j.result)).toContain('unprocessable: the body is nested deeper than 64 levels; not acted on');
    const verify = await t.app.request('/api/v1/integrity/verify', { method: 'POST', headers: { authorization: `Bearer ${await t.token('auditor')}` } });
    expect(await verify.json()).toMatchObject({ ok: true, problems: [] });
  }, 300_000);
});

const b64 = (v: string) => Buffer.from(v).toString('base64url');
/** Query strings and paths of the read surfaces: [path, status, what the answer says]. */
const READS: [string, number, RegExp][] = [
  ...['user', 'project', 'flow_type'].flatMap((k) => [`/api/v1/sessions?${k}=%00`, `/api/v1/audit-events?${k === 'flow_type' ? 'user' : k}=a%00b`, `/api/v1/export?${k === 'flow_type' ? 'user' : k}=%00&format=csv`])
    .map((p): [string, number, RegExp] => [p, 400, /^(user|project|flow_type): contains the NUL character/]),
  ...['0000-01-01', '0000-12-31T23:00:00Z', '0001-01-01T00:30:00%2B01:00', '9999-12-31T23:59:59-15:00'].flatMap((d) => [`/api/v1/sessions?from=${d}`, `/api/v1/sessions?to=${d}`, `/api/v1/audit-events?from=${d}`, `/api/v1/export?to=${d}`])
    .map((p): [string, number, RegExp] => [p, 400, /^(from|to): must be a time from 0001-01-01 to 9999-12-31/]),
  ...['%2B275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z'].map((d): [string, number, RegExp] => [`/api/v1/sessions?from=${d}`, 400, /^from: /]),
  [`/api/v1/sessions?cursor=${b64('[1,"x\\u0000"]')}`, 400, /^cursor: not a cursor this API issued/],
  [`/api/v1/sessions?cursor=${b64('[1e300,"x"]')}`, 400, /^cursor: /],
  [`/api/v1/audit-events?cursor=${b64('9007199254740993')}`, 400, /^cursor: /],
  ['/api/v1/sessions?limit=1e999', 400, /^limit: /],
  ['/api/v1/jobs?before=99999999999999999999', 400, /^before: /],
  ['/api/v1/sessions/f1?timeline_after=1e999', 400, /^timeline_after: /],
  ['/api/v1/sessions/%00', 404, /^no session/],
  ['/api/v1/sessions/a%00b', 404, /^no session/],
];
const GRAPHQL: [string, RegExp][] = [
  [JSON.stringify({ query: 'query($f:String){duoFlowSessions(flowType:$f){nodes{sessionId}}}', variables: { f: 'a\u0000' } }), /variables\.f: contains the NUL character/],
  [JSON.stringify({ query: 'query($f:String){duoFlowSessions(flowType:$f){nodes{sessionId}}}', variables: { f: 'a\ud800' } }), /variables\.f: contains a lone UTF-16 surrogate/],
  [JSON.stringify({ query: 'query($s:ID!){duoFlowSession(sessionId:$s){sessionId}}', variables: { s: '\udfff' } }), /variables\.s: contains a lone/],
  [JSON.stringify({ query: 'query($d:Time){duoFlowSessions(startDate:$d){nodes{sessionId}}}', variables: { d: '0000-01-01' } }), /Time: expected/],
  [JSON.stringify({ query: 'query($d:Time){duoFlowSessions(endDate:$d){nodes{sessionId}}}', variables: { d: '0001-01-01T00:30:00+01:00' } }), /Time: expected/],
  [JSON.stringify({ query: '{duoFlowSessions(flowType:"\\u0000"){nodes{sessionId}}}' }), /contains the NUL character/],
  [JSON.stringify({ query: '{duoFlowSessions(flowType:"""a\u0000"""){nodes{sessionId}}}' }), /query: contains the NUL character/],
  [`{"query":"{duoFlowSessions{nodes{sessionId}}}","variables":{"x":${deep(10_000, '[', ']')},"y":"\\u0000"}}`, /variables\.y: contains the NUL/],
];

describe('malformed input on the read surfaces', () => {
  const t = useTestApp();

  it('answers query strings and paths with NUL, surrogates, impossible dates and huge numbers with 400 or 404', async () => {
    await t.ingest([startedEvent('f1', new Date().toISOString())]);
    const admin = await t.token('admin');
    const wrong: string[] = [];
    for (const [path, status, says] of READS) {
      const res = await t.get(path, admin);
      const body = (await res.json()) as { message?: string };
      if (res.status !== status || !says.test(body.message ?? '')) wrong.push(`${path}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers GraphQL requests with NUL or lone surrogates in variables or strings, or impossible dates, with errors and no 5xx', async () => {
    const admin = await t.token('admin');
    for (const [body, says] of GRAPHQL) {
      const res = await t.app.request('/api/graphql', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body });
      expect(res.status, body.slice(0, 120)).toBe(400);
      const answer = (await res.json()) as { errors: { message: string }[] };
      expect(answer.errors.map((e) => e.message).join(' | '), body.slice(0, 120)).toMatch(says);
    }
  });

  it('answers the session pages with a NUL in the id or filters without a 5xx', async () => {
    const web = new WebClient(t.app);
    const page = await (await web.get('/-/sign_in')).text();
    await web.post('/-/sign_in', { token: await t.token('admin'), _csrf: csrfOf(page) });
    for (const path of ['/-/duo/sessions/a%00b', '/-/duo/sessions/compare?a=%00&b=f1', '/-/duo/sessions?project=%00', '/-/duo/sessions?from=0000-01-01', '/-/duo/sessions?to=9999-12-31', '/admin/duo_agent_platform/audit?user=%00', '/admin/duo_agent_platform/audit?from=0000-01-01']) {
      const res = await web.get(path);
      expect(res.status, path).toBeLessThan(500);
      expect([200, 400, 404], path).toContain(res.status);
    }
  });
});
