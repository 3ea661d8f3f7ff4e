import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, passthrough } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/integrity/index.js';
import { latestCheckpoint, logSize, openDatabase, type Database } from '../../src/store/index.js';
import { server as msw } from '../support/msw.js';
import { createTestDatabase, target } from '../support/pg.js';
import { startServe } from '../support/serve-process.js';

// `serve` as Kubernetes stops it: a real process (the built CLI, as in test/e2e/cli.pg.test.ts) sent SIGTERM
// while requests are in flight.
const ADMIN = `ftk_${'s'.repeat(40)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serve on SIGTERM', () => {
  let dir: string;
  let db: (Database & { url?: string }) | undefined;
  let env: Record<string, string>;

  beforeEach(async () => {
    msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    dir = await mkdtemp(join(tmpdir(), 'flowtrail-shutdown-'));
    env = {
      FLOWTRAIL_DATA_DIR: dir, FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'info', FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/shutdown').privateKeyPem, FLOWTRAIL_LOG_ORIGIN: 'flowtrail/shutdown',
    };
    if (target === 'postgres') {
      db = await createTestDatabase();
      env.FLOWTRAIL_DATABASE_URL = db.url!;
    }
  });
  afterEach(async () => {
    await db?.close();
    db = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** The database the child used, once it has exited (PGlite admits one process at a time). */
  const open = async () => (db !== undefined ? { sql: db.sql, close: async () => {} } : openDatabase({ dataDir: dir }));

  it('answers 503 on readiness first, finishes the requests in flight, signs a final checkpoint over the last event and exits 0', { timeout: 120_000 }, async () => {
    const serve = await startServe(env);
    try {
      const post = (ids: string[]) => fetch(`${serve.url}/api/v1/flow-events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(ids.map((id) => ({ event_id: id, type: 'duo_flow_decision_logged', session_id: 'shutdown-1', occurred_at: new Date().toISOString(), step: 1, decision: 'keep going' }))),
      }).then(async (res) => ({ status: res.status, body: await res.text() }), () => ({ status: 0, body: '' }));
      expect((await fetch(`${serve.url}/-/readiness`)).status).toBe(200);

      const acknowledged: string[] = [];
      const statuses: number[] = [];
      let signalled = false;
      const readiness: { afterSignal: boolean; status: number }[] = [];
      let polling = true;
      const poll = (async () => {
        while (polling) {
          const status = await fetch(`${serve.url}/-/readiness`).then((r) => r.status, () => 0);
          readiness.push({ afterSignal: signalled, status });
          await sleep(10);
        }
      })();
      // Senders post batches back to back: some are in flight when the signal comes, some arrive after it.
      const sender = async () => {
        for (let i = 0; i < 12; i++) {
          const ids = Array.from({ length: 100 }, () => randomUUID());
          const r = await post(ids);
          statuses.push(r.status);
          if (r.status === 202) acknowledged.push(...ids);
          if (r.status === 0) return;
        }
      };
      const senders = Array.from({ length: 6 }, sender);
      while (acknowledged.length < 300) await sleep(10);
      // One request whose body is still arriving keeps the shutdown waiting, so the readiness
      // poller sees the 503 window however fast the rest drains (on PostgreSQL it can be a few ms).
      const slowId = randomUUID();
      const slowBody = JSON.stringify([{ event_id: slowId, type: 'duo_flow_decision_logged', session_id: 'shutdown-1', occurred_at: new Date().toISOString(), step: 1, decision: 'held open' }]);
      const { port, hostname } = new URL(serve.url);
      const slow = connectTcp(Number(port), hostname);
      await new Promise((r) => slow.once('connect', r));
      const slowAnswer = new Promise<string>((resolve) => {
        let text = '';
        slow.on('data', (d: Buffer) => { text += d.toString(); });
        slow.once('close', () => resolve(text));
        slow.once('error', () => resolve(text));
      });
      slow.write(`POST /api/v1/flow-events HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(slowBody)}\r\n\r\n${slowBody.slice(0, 10)}`);
      await sleep(100);
      signalled = true;
      serve.child.kill('SIGTERM');
      for (let i = 0; i < 500 && !readiness.some((r) => r.afterSignal && r.status === 503); i++) await sleep(10);
      slow.end(slowBody.slice(10));
      if (/^HTTP\/1\.1 202/.test(await slowAnswer)) acknowledged.push(slowId);
      const code = await serve.exited;
      polling = false;
      await Promise.all([poll, ...senders]);

      expect(code).toBe(0);
      // Readiness said 503 between the signal and the exit; nothing ever got a 500.
      expect(readiness.some((r) => r.afterSignal && r.status === 503)).toBe(true);
      expect(readiness.filter((r) => !r.afterSignal).every((r) => r.status === 200)).toBe(true);
      expect(statuses.every((s) => s === 202 || s === 503 || s === 0)).toBe(true);
      expect(serve.output.join('\n')).toMatch(/shut down cleanly/);

      const database = await open();
      try {
        const stored = await database.sql<{ n: number }[]>`select count(*)::int as n from audit_events where event_id = any(${acknowledged})`;
        expect(stored[0]!.n).toBe(acknowledged.length);
        // The final checkpoint covers every event but its own record.
        const size = await logSize(database.sql);
        expect((await latestCheckpoint(database.sql))!.treeSize).toBe(size - 1);
        expect(await database.sql`select 1 from leases`).toHaveLength(0);
      } finally {
        await database.close();
      }
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('exits 1 after FLOWTRAIL_SHUTDOWN_TIMEOUT_S with a log line saying what was left', { timeout: 60_000 }, async () => {
    const serve = await startServe({ ...env, FLOWTRAIL_SHUTDOWN_TIMEOUT_S: '1' });
    try {
      // A request whose body never finishes arriving stays in flight.
      const { port, hostname } = new URL(serve.url);
      const socket = connectTcp(Number(port), hostname);
      await new Promise((r) => socket.once('connect', r));
      socket.write(`POST /api/v1/flow-events HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ADMIN}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[`);
      await sleep(300);
      const t0 = performance.now();
      serve.child.kill('SIGTERM');
      const code = await serve.exited;
      socket.destroy();
      expect(code).toBe(1);
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(serve.output.join('\n')).toMatch(/shutdown did not finish within FLOWTRAIL_SHUTDOWN_TIMEOUT_S=1: stopped while finishing the requests in flight.*with 1 requests in flight/);
    } finally {
      serve.child.kill('SIGKILL');
    }
  });
});
