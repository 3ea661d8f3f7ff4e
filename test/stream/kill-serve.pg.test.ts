import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, passthrough } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/integrity/index.js';
import type { Database } from '../../src/store/index.js';
import { at, startedEvent } from '../support/flow-events.js';
import { server as msw } from '../support/msw.js';
import { createTestDatabase, target } from '../support/pg.js';
import { expectInOrderWithoutGap, startHecReceiver, startSyslogReceiver, waitFor } from '../support/receivers.js';
import { FLOWTRAIL_BIN, startServe, type Serve } from '../support/serve-process.js';

// A real `flowtrail serve` (the built CLI) streaming to a HEC collector with
// acknowledgement and to a syslog listener, killed with SIGKILL mid-stream and
// started again, with the collector down for a while in between.
const ADMIN = `ftk_${'k'.repeat(40)}`;
const HEC_TOKEN = 'kill-test-hec-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(env: Record<string, string>, ...argv: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FLOWTRAIL_BIN, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('streaming across kill -9 of serve and a collector outage', () => {
  let dir: string;
  let db: (Database & { url?: string }) | undefined;
  let env: Record<string, string>;

  beforeEach(async () => {
    msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    dir = await mkdtemp(join(tmpdir(), 'flowtrail-kill-stream-'));
    env = {
      FLOWTRAIL_DATA_DIR: dir, FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'info', FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: ADMIN,
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/kill').privateKeyPem, FLOWTRAIL_LOG_ORIGIN: 'flowtrail/kill',
      FLOWTRAIL_STREAM_POLL_MS: '20', FLOWTRAIL_STREAM_MAX_BACKOFF_SECONDS: '1', FLOWTRAIL_STREAM_BATCH_SIZE: '25', KILL_TEST_HEC_TOKEN: HEC_TOKEN,
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

  it('delivers every event at least once, in order, without a gap, each with its event id', { timeout: 180_000 }, async () => {
    const hec = await startHecReceiver({ token: HEC_TOKEN, ack: true, ackAfterPolls: 1 });
    const syslog = await startSyslogReceiver();
    let serve = await startServe(env);
    try {
      const api = (s: Serve, path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      const added = await cli(env, 'streaming', 'add', '--name', 'hec', '--type', 'splunk_hec', '--url', hec.url, '--token', 'env:KILL_TEST_HEC_TOKEN');
      expect(added.code, added.out).toBe(0);
      expect(added.out).toContain('token: from $KILL_TEST_HEC_TOKEN');
      expect((await cli(env, 'streaming', 'add', '--name', 'syslog', '--type', 'syslog', '--url', syslog.url)).code).toBe(0);
      const listed = await cli(env, 'streaming', 'list');
      expect(listed.out).toMatch(/\thec\tsplunk_hec\t/);

      const ingest = ((await (await api(serve, '/api/v1/tokens', { method: 'POST', body: JSON.stringify({ role: 'ingest' }) })).json()) as { token: string }).token;
      let posting = true;
      let n = 0;
      const poster = (async () => {
        while (posting) {
          const events = Array.from({ length: 10 }, () => startedEvent(`k-${n++}`, at(n % 60)));
          await fetch(`${serve.url}/api/v1/flow-events`, { method: 'POST', headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' }, body: JSON.stringify(events) }).catch(() => undefined);
          await sleep(30);
        }
      })();

      await waitFor(() => hec.received.length > 50 && syslog.received.length > 50, 'the first deliveries', 60_000);
      serve.child.kill('SIGKILL');
      await serve.exited;
      await hec.stop();
      serve = await startServe(env);
      await sleep(1500);
      await hec.start();
      await sleep(1000);
      posting = false;
      await poster;

      // The log as the service answers it, oldest first.
      const log: { seq: number; event_id: string }[] = [];
      for (let after: number | null = null; ;) {
        const page = (await (await api(serve, `/api/v1/audit-events?order=asc&limit=100${after === null ? '' : `&after_seq=${after}`}`)).json()) as { events: { seq: number; event_id: string }[]; next_after_seq: number; has_more: boolean };
        log.push(...page.events);
        after = page.next_after_seq;
        if (!page.has_more) break;
      }
      const size = log.length;
      expect(size).toBeGreaterThan(100);
      await waitFor(() => new Set(hec.received.map((e) => Number(e.fields!.flowtrail_seq))).size >= size, 'every event at the collector', 90_000);
      await waitFor(() => new Set(syslog.received.map((m) => Number(m.sd.seq))).size >= size, 'every message at the listener', 90_000);
      const seqs = log.map((e) => e.seq);
      const hecSeqs = hec.received.map((e) => Number(e.fields!.flowtrail_seq)).filter((s) => s <= seqs[seqs.length - 1]!);
      const syslogSeqs = syslog.received.map((m) => Number(m.sd.seq)).filter((s) => s <= seqs[seqs.length - 1]!);
      expectInOrderWithoutGap(hecSeqs, seqs);
      expectInOrderWithoutGap(syslogSeqs, seqs);
      const ids = new Map(log.map((e) => [e.seq, e.event_id]));
      for (const e of hec.received) if (ids.has(Number(e.fields!.flowtrail_seq))) expect(e.fields!.event_id).toBe(ids.get(Number(e.fields!.flowtrail_seq)));
      for (const m of syslog.received) if (ids.has(Number(m.sd.seq))) expect(m.sd.eventId).toBe(ids.get(Number(m.sd.seq)));
    } finally {
      serve.child.kill('SIGKILL');
      await serve.exited;
      await hec.close();
      await syslog.close();
    }
  });
});
