import { hostname as osHostname } from 'node:os';
import type { Logger } from 'pino';
import { coerceError } from '../errors.js';
import { createLease, type Lease } from '../jobs/index.js';
import { getDestination, listDestinations, type DestinationRow, type Pool } from '../store/index.js';
import { deliverBatch } from './deliver-batch.js';
import { createHecSender } from './hec-sender.js';
import { createHttpSender } from './http-sender.js';
import { openSecret } from './seal-secret.js';
import type { Sender } from './sender.js';
import { createSyslogSender } from './syslog-sender.js';

export interface StreamerOptions {
  sql: Pool;
  /** The key destination tokens are sealed with. */
  secretsKey: Buffer;
  /** Reads the environment variable an `env:NAME` token names (config.streaming.readTokenVariable). */
  readTokenVariable: (name: string) => string | undefined;
  log?: Logger;
  batchSize?: number;
  /** How often an idle destination looks for new events (kick() wakes it sooner). */
  pollMs?: number;
  /** A destination failing this long is paused. */
  pauseAfterSeconds?: number;
  /** The longest wait between two failed attempts (exponential from 1 s). */
  maxBackoffMs?: number;
  /** How long one attempt may wait for a receiver. */
  timeoutMs?: number;
  /** How often the list of destinations is read again. */
  refreshMs?: number;
  /** Lease timings (one lease per destination, so each is sent by one process). */
  leaseTtlSeconds?: number;
  leaseRenewMs?: number;
  hostname?: string;
  /** Called after each batch sent or failed (for metrics). */
  onBatch?: (destination: DestinationRow, outcome: { delivered: number; failed: boolean }) => void;
}

export interface Streamer {
  start(): void;
  /** New events are in the log: idle destinations look at once. */
  kick(): void;
  /** Reads the destinations again now (after a change through the API). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

interface Worker {
  version: string;
  stop(): Promise<void>;
}

/** Opens a destination's token: sealed in the row, or named in the environment. */
function tokenOf(d: DestinationRow, key: Buffer, read: StreamerOptions['readTokenVariable']): string | null {
  if (d.tokenEnv !== null) {
    const value = read(d.tokenEnv);
    if (value === undefined || value === '') throw new Error(`the environment variable ${d.tokenEnv} that holds the token is not set`);
    return value;
  }
  return d.tokenSealed === null ? null : openSecret(key, d.tokenSealed, d.id);
}

/**
 * Runs every active destination's delivery in its own loop, so a slow or
 * failing receiver never holds up another, nor ingest. Each destination has
 * its own lease (`stream:<id>`): across replicas one process sends it, and
 * when that process dies another takes over from the durable cursor.
 */
export function createStreamer(o: StreamerOptions): Streamer {
  const batchSize = o.batchSize ?? 500;
  const pollMs = o.pollMs ?? 250;
  const pauseAfterSeconds = o.pauseAfterSeconds ?? 3600;
  const maxBackoffMs = o.maxBackoffMs ?? 60_000;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const host = o.hostname ?? osHostname();
  const workers = new Map<string, Worker>();
  const wakers = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let refreshing: Promise<void> | undefined;

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      wakers.delete(done);
      resolve();
    };
    const t = setTimeout(done, ms);
    wakers.add(done);
  });

  function startWorker(d: DestinationRow): Worker {
    const lease: Lease = createLease({ sql: o.sql, name: `stream:${d.id}`, ttlSeconds: o.leaseTtlSeconds, renewMs: o.leaseRenewMs, log: o.log });
    let running = true;
    // The lease is taken now and renewed on a timer of its own, whatever the sending loop is waiting for.
    void lease.renew();
    const renewal = setInterval(() => void lease.renew(), o.leaseRenewMs ?? 10_000);
    renewal.unref();
    const loop = (async () => {
      let sender: Sender | null = null;
      let failures = 0;
      while (running) {
        if (!lease.held()) {
          await sleep(pollMs * 4);
          continue;
        }
        try {
          const row = await getDestination(o.sql, d.id);
          if (row === null || !row.active || row.pausedAt !== null || row.updatedAt.getTime() !== d.updatedAt.getTime()) break;
          if (sender === null) {
            const settings = { id: row.id, url: new URL(row.url), format: row.format, token: tokenOf(row, o.secretsKey, o.readTokenVariable), tlsCa: row.tlsCa, hostname: host, timeoutMs };
            sender = row.type === 'http' ? createHttpSender(settings) : row.type === 'splunk_hec' ? createHecSender(settings) : createSyslogSender(settings);
          }
          const outcome = await deliverBatch(o.sql, row, sender, { batchSize, pauseAfterSeconds });
          if (outcome.kind === 'sent' || outcome.kind === 'failed') o.onBatch?.(row, { delivered: outcome.delivered, failed: outcome.kind === 'failed' });
          if (outcome.kind === 'sent') {
            failures = 0;
            continue;
          }
          if (outcome.kind === 'failed') {
            if (outcome.paused) o.log?.warn({ destination: row.name, error: outcome.error }, 'paused the streaming destination: it kept failing');
            else o.log?.warn({ destination: row.name, error: outcome.error, failures: failures + 1 }, 'could not deliver to the streaming destination; will retry');
            if (outcome.paused) break;
            failures++;
            // Exponential from 1 s with jitter; kick() does not cut it short.
            const wait = Math.min(maxBackoffMs, 1000 * 2 ** Math.min(failures - 1, 16)) * (0.8 + Math.random() * 0.4);
            await new Promise((r) => setTimeout(r, wait));
            continue;
          }
          failures = 0;
          await sleep(pollMs);
        } catch (err) {
          failures++;
          o.log?.error({ err: coerceError(err), destination: d.name }, 'the streaming loop failed; will retry');
          await new Promise((r) => setTimeout(r, Math.min(maxBackoffMs, 1000 * 2 ** Math.min(failures - 1, 16))));
        }
      }
      sender?.close();
    })();
    return {
      version: d.updatedAt.toISOString(),
      async stop() {
        running = false;
        clearInterval(renewal);
        for (const wake of [...wakers]) wake();
        await loop;
        await lease.stop();
      },
    };
  }

  async function doRefresh(): Promise<void> {
    const rows = stopped ? [] : await listDestinations(o.sql);
    const wanted = new Map(rows.filter((d) => d.active && d.pausedAt === null).map((d) => [d.id, d]));
    for (const [id, w] of workers) {
      const d = wanted.get(id);
      if (d === undefined || d.updatedAt.toISOString() !== w.version) {
        workers.delete(id);
        await w.stop();
      }
    }
    for (const [id, d] of wanted) if (!workers.has(id)) workers.set(id, startWorker(d));
  }

  const refresh = () => (refreshing ??= doRefresh()
    .catch((err: unknown) => o.log?.warn({ err: coerceError(err) }, 'could not read the streaming destinations; will retry'))
    .finally(() => (refreshing = undefined)));

  return {
    start() {
      if (timer !== undefined) return;
      void refresh();
      timer = setInterval(() => void refresh(), o.refreshMs ?? 5000);
      timer.unref();
    },
    kick() {
      for (const wake of [...wakers]) wake();
    },
    refresh,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await refreshing;
      await Promise.all([...workers.values()].map((w) => w.stop()));
      workers.clear();
    },
  };
}
