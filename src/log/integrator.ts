import type { Logger } from 'pino';
import type { NewEvent } from '../events.js';
import type { NoteSigner } from '../integrity/index.js';
import { claimPending, deleteIntegrated, isDatabaseUnavailable, type Pool } from '../store/index.js';
import { appendEvents, type AppendResult, type CheckpointPolicy } from './append-events.js';
import { createGroupCommit } from './group-commit.js';

const BATCH = 2000;
/** How often a started integrator drains the intake on its own. */
const INTAKE_POLL_MS = 1000;
/** Events in one append transaction at most (a single larger submission still goes alone). */
const MAX_GROUP_EVENTS = 5000;

export interface IntegratorOptions {
  sql: Pool;
  signer: NoteSigner;
  origin: string;
  checkpointEvents: number;
  checkpointIntervalMs: number;
  log?: Logger;
  /** Called after commit with every new checkpoint note (external sinks). */
  onCheckpoint?: (note: string, treeSize: number) => Promise<void>;
  /** Called after commit with how many events were appended. */
  onAppended?: (count: number) => void;
  /** The log's clock (recorded_at); tests move it to make data old. */
  now?: () => Date;
}

export interface Integrator {
  /**
   * Moves every pending intake submission into the log now and resolves with
   * the number of events appended. Never needed for the records to reach the
   * log (a started integrator drains the intake every second, and stop()
   * drains it once more); call it to wait for them: before a read that must
   * see them, in a CLI command that does not start the timer, in tests.
   */
  integrate(): Promise<number>;
  /**
   * Appends events to the log and resolves once they are committed. Calls that
   * arrive while a transaction runs are committed together in the next one
   * (group commit), so concurrent single-event requests share one transaction.
   */
  append(events: readonly NewEvent[]): Promise<{ accepted: number; duplicates: number }>;
  /**
   * Signs a checkpoint now if anything was appended since the last one (the
   * timer does this every FLOWTRAIL_CHECKPOINT_INTERVAL_SECONDS). `force` is
   * accepted for readability at call sites; a checkpoint over nothing new is
   * never signed.
   */
  checkpoint(force?: boolean): Promise<number | null>;
  /**
   * Starts the timers: the intake drained every second, and a checkpoint every
   * FLOWTRAIL_CHECKPOINT_INTERVAL_SECONDS when `timerCheckpoints()` says so
   * (the service passes whether this process holds the scheduler lease, so
   * several replicas sign one timer checkpoint per interval, not one each).
   */
  start(options?: { timerCheckpoints?: () => boolean }): void;
  /** Stops the timers, integrates what is pending and writes a final checkpoint. */
  stop(): Promise<void>;
}

/**
 * The single writer of the Merkle log in this process (the advisory lock makes
 * it the single writer across processes too), and the one way into the log.
 *
 * Events reach it through one of two doors, both ending in appendEvents:
 * - `append(events)`: code that holds the events (the ingest routes, the job
 *   handlers, the push checks, the sweep) hands them over and is answered once
 *   they are committed, so an HTTP answer still means "in the log".
 * - the `intake` table: records written inside another transaction, which
 *   cannot wait for the log lock or call this process. The owner's purge
 *   functions (migrations/0008_owner_purges.sql) run as another database role
 *   and queue retention_purged / personal_data_erased in the same transaction
 *   as the purge, so no purge commits unrecorded; token changes and exports
 *   are queued the same way (store's recordEvents). The intake is durable, and
 *   the integrator drains it itself (every INTAKE_POLL_MS while started, and in
 *   stop()), so no caller has to flush it for the records to reach the log.
 */
export function createIntegrator(o: IntegratorOptions): Integrator {
  const policy: CheckpointPolicy = { signer: o.signer, origin: o.origin, every: o.checkpointEvents, now: o.now };
  let chain: Promise<unknown> = Promise.resolve();
  let timers: NodeJS.Timeout[] = [];
  let polling = false;
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  async function publish(r: AppendResult): Promise<AppendResult> {
    if (r.appended > 0) o.onAppended?.(r.appended);
    if (r.retiredKey !== undefined) o.log?.warn({ verifierKey: r.retiredKey }, 'a checkpoint was due, but another process has rotated the signing key: this process signs no more checkpoints; restart it with the new key');
    for (const [note, size] of r.notes) {
      await o.onCheckpoint?.(note, size).catch((err: unknown) => o.log?.error({ err, treeSize: size }, 'checkpoint sink failed'));
    }
    return r;
  }

  async function integrateOnce(): Promise<AppendResult & { claimed: number }> {
    const r = await o.sql.begin(async (tx) => {
      const pending = await claimPending(tx, BATCH);
      if (pending.length === 0) return { accepted: 0, appendedFlags: [], appended: 0, duplicates: 0, notes: [], claimed: 0 };
      const result = await appendEvents(tx, pending.flatMap((p) => p.events), policy);
      await deleteIntegrated(tx, pending.map((p) => p.id));
      return { ...result, claimed: pending.length };
    });
    await publish(r);
    return r;
  }

  const integrate = () =>
    serial(async () => {
      let total = 0;
      for (;;) {
        const r = await integrateOnce();
        total += r.appended;
        if (r.claimed === 0) return total;
      }
    });

  // Concurrent submissions share one transaction (at most MAX_GROUP_EVENTS events); each learns how many of its own events were new.
  const appendGroup = createGroupCommit<readonly NewEvent[], { accepted: number; duplicates: number }>(async (submissions) => {
    const r = await publish(await o.sql.begin((tx) => appendEvents(tx, submissions.flat(), policy)));
    let offset = 0;
    return submissions.map((events) => {
      const accepted = r.appendedFlags.slice(offset, (offset += events.length)).filter(Boolean).length;
      return { accepted, duplicates: events.length - accepted };
    });
  }, { maxWeight: MAX_GROUP_EVENTS, weight: (events) => events.length });
  const append = (events: readonly NewEvent[]) => (events.length === 0 ? Promise.resolve({ accepted: 0, duplicates: 0 }) : appendGroup(events));

  return {
    integrate,
    append,
    checkpoint: () =>
      serial(async () => {
        const r = await publish(await o.sql.begin((tx) => appendEvents(tx, [], policy, true)));
        return r.notes[0]?.[1] ?? null;
      }),
    start(options = {}) {
      const due = options.timerCheckpoints ?? (() => true);
      timers = [
        setInterval(() => {
          if (polling) return;
          polling = true;
          integrate()
            .catch((err: unknown) => (isDatabaseUnavailable(err) ? o.log?.warn({ err }, 'integration: the database is unavailable; will retry') : o.log?.error({ err }, 'integration failed; will retry')))
            .finally(() => (polling = false));
        }, INTAKE_POLL_MS),
        setInterval(() => {
          if (!due()) return;
          // Under the log lock, a checkpoint over nothing new is never signed: two replicas whose timers fire together sign one.
          this.checkpoint().catch((err: unknown) => o.log?.error({ err }, 'checkpoint failed; the next interval tries again'));
        }, o.checkpointIntervalMs),
      ];
      for (const t of timers) t.unref();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers = [];
      await integrate();
      await this.checkpoint(true);
    },
  };
}
