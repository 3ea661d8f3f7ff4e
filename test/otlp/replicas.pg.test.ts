import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { AppEnv } from '../../src/app-env.js';
import { createAuthenticator } from '../../src/auth/index.js';
import { createIntegrator } from '../../src/log/index.js';
import { connect, type Pool } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { target } from '../support/pg.js';
import { agentRun, newTraceId, otlpJson } from '../support/otlp-json.js';

const RESOURCE = { 'service.name': 'release-bot', 'enduser.id': 'mkowalski', 'vcs.repository.url.full': 'https://gitlab.example.com/acme-platform/ledger.git' };
const TRACES = 40;

describe('halves of one trace posted at the same moment', () => {
  const t = useTestApp();

  /** Posts each trace's children to one app and its session span to the other, all at once; answers the sessions' decision counts. */
  async function race(first: Hono<AppEnv>, second: Hono<AppEnv>, prefix: string): Promise<Map<string, number>> {
    const token = await t.token('ingest');
    const post = (app: Hono<AppEnv>, body: unknown) =>
      app.request('/v1/traces', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    // Both instances warm (connections open, the token known), so that the halves really meet.
    await Promise.all([first, second].map(async (app) => expect((await post(app, { resourceSpans: [] })).status).toBe(200)));
    const answers = await Promise.all(Array.from({ length: TRACES }, (_, i) => {
      const trace = newTraceId();
      const run = agentRun(Date.now() - 60_000, undefined, `${prefix}-${i}`);
      // The session span first: its request appends to the log before it keeps the span, the window in which the children's request must not slip.
      return [post(second, otlpJson(trace, RESOURCE, [run.root])), post(first, otlpJson(trace, RESOURCE, [run.chat, run.tool, run.guard]))];
    }).flat());
    for (const a of answers) expect(await a.json()).toEqual({});
    await t.deps.integrator.integrate();
    const rows = await t.deps.sql<{ sessionId: string; n: number }[]>`
      select session_id, count(*) filter (where type = 'duo_flow_decision_logged')::int as n
      from audit_events where session_id like ${`otlp:${prefix}-%`} group by session_id`;
    return new Map(rows.map((r) => [r.sessionId, r.n]));
  }

  it('one process: every session gets all three of its children, none is left waiting', async () => {
    const counts = await race(t.app, t.app, 'same');
    expect(counts.size).toBe(TRACES);
    expect([...counts.values()].every((n) => n === 3)).toBe(true);
    expect(await t.deps.sql`select count(*)::int as n from otlp_pending_spans where role = 'waiting'`).toEqual([{ n: 0 }]);
  });

  describe.runIf(target === 'postgres')('two service instances on one PostgreSQL (own pools, own integrators)', () => {
    let other: Pool;
    let second: Hono<AppEnv>;
    beforeAll(() => {
      other = connect(t.dbUrl!, 10);
      const integrator = createIntegrator({ sql: other, signer: t.signer, origin: t.deps.origin, checkpointEvents: t.deps.config.integrity.checkpointEvents, checkpointIntervalMs: 60_000 });
      second = createApp({ ...t.deps, sql: other, integrator, authenticator: createAuthenticator(other) });
    });
    afterAll(async () => {
      await other.end();
    });

    it('every session gets all three of its children, whichever instance took which half, and none is left waiting', async () => {
      const counts = await race(t.app, second, 'two');
      expect(counts.size).toBe(TRACES);
      const short = [...counts].filter(([, n]) => n !== 3);
      expect(short, `sessions missing children: ${short.map(([id, n]) => `${id} (${n})`).join(', ')}`).toEqual([]);
      expect(await t.deps.sql`select count(*)::int as n from otlp_pending_spans where role = 'waiting'`).toEqual([{ n: 0 }]);
    });
  });
});
