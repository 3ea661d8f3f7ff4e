// The chaos run: replicas on one database, a fake GitLab, mixed load through
// a random live replica, kill -9 at seeded random moments with a restart each,
// then a graceful stop, one replica to drain the jobs, and the checks.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from '../../src/integrity/index.js';
import { connect, openDatabase } from '../../src/store/index.js';
import { checkDatabase, checkLogs, runVerify, type Check, type Figures } from './checks.js';
import { startFakeGitlab } from './fake-gitlab.js';
import { createPrng, type Prng } from '../prng.js';
import { createPushRepo } from './pushes.js';
import { assertBuilt, createReplica, killReplica, startReplica, stopReplica, type LogLine, type Replica } from './replicas.js';
import { createLedger, createSender } from './sender.js';
import { postEvents, runSession, sendAuditEvents, startedEvent, type TrafficContext } from './traffic.js';
import { runKills, type KillRecord } from './kills.js';

export interface ChaosOptions {
  db: 'postgres' | 'pglite';
  /** PostgreSQL where the user may create databases (a fresh one is created and dropped). */
  adminUrl: string;
  replicas: number;
  kills: number;
  durationS: number;
  seed: number;
  /** Concurrent agent sessions. */
  sessionWorkers: number;
  /** How long the last replica may take to finish the jobs after the load. */
  drainTimeoutS: number;
  progress: (line: string) => void;
}

export interface ChaosResult {
  options: Omit<ChaosOptions, 'progress' | 'adminUrl'>;
  checks: Check[];
  figures: Figures & {
    requests: number; retries: number; concurrentCopies: number; unacknowledged: number; restarts: number; readyMedianMs: number; readyMaxMs: number;
    drainMs: number; pendingAtDrain: number; pushes: number; sessions: number;
  };
  kills: KillRecord[];
  ok: boolean;
  /** Every line the replicas printed, kept when a check failed. */
  logFile: string | null;
}

interface PendingJobs {
  counts: { pending: number };
  jobs: { name: string; attempts: number; run_at: string; last_error: string | null; result: string | null }[];
}

/** What the jobs still pending are waiting for: by name and last error, with their attempts and when the next one runs. */
function describePending(l: PendingJobs): string {
  const by = new Map<string, { n: number; attempts: number; nextS: number }>();
  for (const j of l.jobs) {
    const k = `${j.name}${j.last_error === null ? '' : ` (last error: ${j.last_error.slice(0, 120)})`}`;
    const g = by.get(k) ?? { n: 0, attempts: 0, nextS: Infinity };
    by.set(k, { n: g.n + 1, attempts: Math.max(g.attempts, j.attempts), nextS: Math.min(g.nextS, Math.round((Date.parse(j.run_at) - Date.now()) / 1000)) });
  }
  return `${l.counts.pending} pending: ${[...by].slice(0, 6).map(([k, g]) => `${g.n} x ${k}, up to attempt ${g.attempts}, next in ${g.nextS} s`).join('; ')}`;
}

/** Waits until the job queue is empty, saying every 15 s what is still pending; drainMs is -1 when it was not emptied in time. */
async function drainJobs(r: Replica, adminToken: string, timeoutS: number, say: (s: string) => void): Promise<{ drainMs: number; pendingAtDrain: number }> {
  const start = Date.now();
  let pendingAtDrain = -1;
  let shown = -Infinity;
  while (Date.now() - start <= timeoutS * 1000) {
    const res = await fetch(`${r.url}/api/v1/jobs?state=pending&limit=100`, { headers: { authorization: `Bearer ${adminToken}` } }).catch(() => null);
    const listing = res?.ok === true ? ((await res.json()) as PendingJobs) : null;
    if (listing !== null && pendingAtDrain < 0) pendingAtDrain = listing.counts.pending;
    if (listing?.counts.pending === 0) return { drainMs: Date.now() - start, pendingAtDrain };
    if (listing !== null && Date.now() - shown > 15_000) {
      shown = Date.now();
      say(`draining: ${describePending(listing)}`);
    }
    await sleep(250);
  }
  return { drainMs: -1, pendingAtDrain };
}

const median = (xs: number[]) => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  assertBuilt();
  const replicaCount = o.db === 'pglite' ? 1 : o.replicas;
  const prng = createPrng(o.seed);
  const t0 = Date.now();
  const say = (s: string) => o.progress(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${s}`);
  say(`chaos: ${o.db}, ${replicaCount} replica(s), ${o.kills} kills in ${o.durationS} s, seed ${o.seed}`);
  const work = mkdtempSync(join(tmpdir(), 'flowtrail-chaos-'));
  const dbName = `flowtrail_chaos_${process.pid}_${randomBytes(3).toString('hex')}`;
  let dbUrl: string | undefined;
  if (o.db === 'postgres') {
    const admin = connect(o.adminUrl, 1);
    await admin.unsafe(`create database ${dbName}`).finally(() => admin.end());
    const u = new URL(o.adminUrl);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }
  const pushRoots: string[] = [];
  try {
    return await runOnDatabase(o, { replicaCount, prng, say, work, dbUrl, pushRoots });
  } finally {
    if (dbUrl !== undefined) {
      const admin = connect(o.adminUrl, 1);
      await admin.unsafe(`drop database if exists ${dbName} with (force)`).finally(() => admin.end());
    }
    for (const dir of [work, ...pushRoots]) rmSync(dir, { recursive: true, force: true });
  }
}

interface RunContext {
  replicaCount: number;
  prng: Prng;
  say: (s: string) => void;
  /** The run's temp directory (data directories). */
  work: string;
  dbUrl: string | undefined;
  /** Where the git repositories went, for the clean-up. */
  pushRoots: string[];
}

async function runOnDatabase(o: ChaosOptions, { replicaCount, prng, say, work, dbUrl, pushRoots }: RunContext): Promise<ChaosResult> {
  const gitlab = await startFakeGitlab();
  const adminToken = `ftk_${randomBytes(30).toString('base64url')}`;
  const secrets = { webhookSecret: `chaos-webhook-${randomBytes(8).toString('hex')}`, streamingToken: `chaos-stream-${randomBytes(8).toString('hex')}` };
  const base: Record<string, string> = {
    ...(dbUrl !== undefined ? { FLOWTRAIL_DATABASE_URL: dbUrl } : {}),
    FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/chaos').privateKeyPem,
    FLOWTRAIL_SANITIZER_KEY: `chaos-sanitizer-${randomBytes(16).toString('hex')}`,
    FLOWTRAIL_WEBHOOK_SECRET: secrets.webhookSecret, FLOWTRAIL_STREAMING_TOKEN: secrets.streamingToken,
    FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: adminToken, FLOWTRAIL_GITLAB_URL: gitlab.url, FLOWTRAIL_GITLAB_TOKEN: 'glpat-chaos-bot',
    FLOWTRAIL_LOG_ORIGIN: 'flowtrail/chaos', FLOWTRAIL_PUBLIC_URL: 'https://flowtrail.chaos.test', FLOWTRAIL_LOG_LEVEL: 'info',
    FLOWTRAIL_CHECKPOINT_INTERVAL_SECONDS: '5', FLOWTRAIL_HOST: '127.0.0.1',
  };
  // PGlite: one data directory for the one process. PostgreSQL: each replica its own (serve.json, nothing shared).
  const pgliteDir = join(work, 'data');
  const envOf = (i: number) => ({ ...base, FLOWTRAIL_DATA_DIR: o.db === 'pglite' ? pgliteDir : join(work, `replica-${i}`) });
  const logs: LogLine[] = [];
  const replicas: Replica[] = [];
  for (let i = 0; i < replicaCount; i++) replicas.push(await createReplica(i, envOf(i)));
  const ledger = createLedger();
  let endAt = Date.now() + 3_600_000;
  const sender = createSender(replicas, prng, ledger, { deadline: () => endAt + 60_000 });
  const stops: string[] = [];
  let kills: KillRecord[] = [];
  let drainMs = -1;
  let pendingAtDrain = -1;
  let sessions = 0;
  try {
    await startReplica(replicas[0]!, logs);
    await Promise.all(replicas.slice(1).map((r) => startReplica(r, logs)));
    say(`replicas ready: ${replicas.map((r) => r.url).join(' ')}; fake GitLab ${gitlab.url}`);
    const created = await sender.post('/api/v1/tokens', { authorization: `Bearer ${adminToken}` }, JSON.stringify({ role: 'ingest', name: 'chaos ingest' }), 'create ingest token');
    if (created === null || typeof created.token !== 'string') throw new Error('could not create the ingest token');
    const ctx: TrafficContext = { sender, ledger, prng, ingestToken: created.token, ...secrets };
    // One long-running session the pushes name in their trailers.
    const pushSession = '499999';
    if (!(await postEvents(ctx, [startedEvent(pushSession)], true))) throw new Error('could not start the push session');
    const repo = await createPushRepo(sender, ledger, created.token);
    pushRoots.push(repo.root);
    endAt = Date.now() + o.durationS * 1000;
    const running = () => Date.now() < endAt;
    const workers: Promise<void>[] = [];
    for (let w = 0; w < o.sessionWorkers; w++) {
      workers.push((async () => {
        while (running()) await runSession(ctx, ++sessions);
      })());
    }
    workers.push((async () => {
      for (let id = 48_300_000; running(); id += 10) {
        await sendAuditEvents(ctx, id, prng.next() < 0.5 ? 1 : 2 + prng.int(8));
        await sleep(50);
      }
    })());
    workers.push((async () => {
      for (let n = 1; running(); n++) await repo.push(n, pushSession, () => endAt + 60_000);
    })());
    kills = await runKills(replicas, logs, prng, { kills: o.kills, durationMs: o.durationS * 1000, startedAt: Date.now(), say });
    await Promise.all(workers);
    say(`load done: ${ledger.requests} requests, ${sessions} sessions, ${ledger.pushes.length} pushes; stopping every replica with SIGTERM`);
    for (const s of await Promise.all(replicas.map((r) => stopReplica(r)))) stops.push(`exit ${s.code} in ${Math.round(s.ms)} ms${s.killed ? ' (SIGKILL after timeout)' : ''}`);
    // One replica finishes the jobs (retries, and those a killed replica had claimed).
    await startReplica(replicas[0]!, logs);
    ({ drainMs, pendingAtDrain } = await drainJobs(replicas[0]!, adminToken, o.drainTimeoutS, say));
    say(drainMs >= 0 ? `job queue drained in ${drainMs} ms` : `job queue NOT drained within ${o.drainTimeoutS} s`);
    const last = await stopReplica(replicas[0]!);
    stops.push(`exit ${last.code} in ${Math.round(last.ms)} ms${last.killed ? ' (SIGKILL after timeout)' : ''}`);
  } finally {
    await Promise.all(replicas.map((r) => killReplica(r)));
    await gitlab.close();
  }
  const checks: Check[] = [];
  const failedRestarts = kills.filter((k) => k.error !== undefined);
  checks.push({
    name: 'every killed replica restarted and became ready', ok: kills.length === o.kills && kills.every((k) => k.readyMs !== null) && failedRestarts.length === 0,
    detail: failedRestarts.length === 0 ? `${kills.length} of ${o.kills} kills, each restarted` : failedRestarts.map((k) => `replica ${k.replica}: ${k.error}`).join(' ').slice(0, 600),
  });
  checks.push({ name: 'every SIGTERM stop exits 0', ok: stops.every((s) => s.startsWith('exit 0 ')), detail: stops.join('; ') });
  const verify = await runVerify({ ...envOf(0) });
  checks.push({ name: '`flowtrail verify` is clean', ok: verify.code === 0, detail: verify.output.trim().split('\n').filter((l) => !l.startsWith('checkpoint ') && !l.startsWith('verifier key')).join(' | ').slice(0, 600) });
  const opened = await openDatabase({ url: dbUrl, dataDir: pgliteDir, max: 1 });
  const db = await checkDatabase(opened.sql, ledger, gitlab).finally(() => opened.close());
  checks.push(...db.checks, ...checkLogs(logs));
  checks.push({ name: 'every acknowledged send was acknowledged before the deadline', ok: ledger.unacknowledged.length === 0, detail: ledger.unacknowledged.length === 0 ? 'none given up' : ledger.unacknowledged.slice(0, 5).join('; ') });
  const ok = checks.every((c) => c.ok);
  let logFile: string | null = null;
  if (!ok) {
    logFile = join(tmpdir(), `flowtrail-chaos-${o.db}-${o.seed}.log`);
    writeFileSync(logFile, logs.map((l) => `${l.replica}#${l.generation} ${l.stream} ${l.text}`).join('\n'));
  }
  const restartTimes = kills.map((k) => k.readyMs).filter((x): x is number => x !== null);
  return {
    options: { db: o.db, replicas: replicaCount, kills: o.kills, durationS: o.durationS, seed: o.seed, sessionWorkers: o.sessionWorkers, drainTimeoutS: o.drainTimeoutS },
    checks,
    figures: {
      ...db.figures, requests: ledger.requests, retries: ledger.retries, concurrentCopies: ledger.concurrentCopies, unacknowledged: ledger.unacknowledged.length,
      restarts: restartTimes.length, readyMedianMs: median(restartTimes), readyMaxMs: Math.max(0, ...restartTimes),
      drainMs, pendingAtDrain, pushes: ledger.pushes.length, sessions,
    },
    kills,
    ok,
    logFile,
  };
}
