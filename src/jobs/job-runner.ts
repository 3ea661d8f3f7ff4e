import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { claimJobs, completeJob, failJob, isDatabaseUnavailable, releaseJobs, renewJobLeases, type JobRow, type Pool } from '../store/index.js';

/** What a handler answers when it finished: a short note kept on the job (e.g. why a delivery was ignored). */
export type JobHandler = (payload: Record<string, unknown>, job: JobRow) => Promise<string | null>;

export interface JobRunnerOptions {
  sql: Pool;
  handlers: Readonly<Record<string, JobHandler>>;
  log?: Logger;
  pollIntervalMs?: number;
  /** Backoff of attempt n: base * 2^(n-1), capped, times a jitter in [0.5, 1.5). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 'lost': the job's lease lapsed while its handler ran and another worker took it; this worker's outcome was not recorded. */
  onOutcome?: (name: string, outcome: 'done' | 'retry' | 'dead' | 'lost') => void;
  random?: () => number;
  /**
   * The share of time the runner may take while the intake is busy (a request
   * noted by noteIntake() in the last BUSY_WINDOW_MS): after each job it pauses
   * long enough to stay within it. Default 0.25; 1 never pauses.
   */
  busyShare?: number;
  /** How long a claim lasts unless renewed (default 30 s): a dead worker's jobs are taken again after this. */
  leaseSeconds?: number;
  /** How often the leases of the jobs in hand are renewed (default a third of the lease). */
  heartbeatMs?: number;
}

/** How long after the last request the intake counts as busy. */
const BUSY_WINDOW_MS = 50;
/** The longest pause between two jobs, so the queue always moves. */
const MAX_PAUSE_MS = 100;

export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1)) * (0.5 + random());
}

/**
 * The worker over the jobs table: polls (and can be kicked), runs each due
 * job's handler, retries failures with exponential backoff and jitter, and
 * moves a job that used its attempts to the dead letters. Safe with several
 * runners in several processes (jobs are claimed FOR UPDATE SKIP LOCKED), and
 * jobs survive a restart because they live in the database. It shares the
 * process (and, on small machines, the cores) with the HTTP intake, so while
 * requests are coming it takes only a share of the time: acknowledging a
 * delivery quickly matters more than processing it a few milliseconds sooner.
 *
 * A claim is a lease (jobs.locked_until, 30 s by default) that the runner
 * renews every 10 s for every job it holds, the running one and the claimed
 * ones waiting behind it. When the process dies its leases lapse and another
 * runner takes the jobs within the lease. A job is completed or failed only
 * by the runner that still holds it, so one whose lease lapsed (a pause
 * longer than the lease, the database away) cannot overwrite the outcome of
 * the runner that took it over; that case is logged.
 */
export class JobRunner {
  readonly id = `worker-${process.pid}-${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;
  private stopping = false;
  private intakeAt = -Infinity;
  /** Jobs claimed and not yet finished, whose leases the heartbeat renews. */
  private readonly inHand = new Map<number, JobRow>();
  private current: JobRow | undefined;

  constructor(private readonly o: JobRunnerOptions) {}

  start(): void {
    this.stopped = false;
    this.stopping = false;
    this.timer = setInterval(() => this.kick(), this.o.pollIntervalMs ?? 500);
    this.timer.unref();
  }

  /** Runs what is due soon, without waiting for the next poll. */
  kick(): void {
    if (this.stopped || this.running !== undefined) return;
    this.running = this.runDue().finally(() => {
      this.running = undefined;
    });
    this.running.catch((err: unknown) => {
      if (isDatabaseUnavailable(err)) this.o.log?.warn({ err }, 'job runner: the database is unavailable; will retry');
      else this.o.log?.error({ err }, 'job runner failed; will retry');
    });
  }

  /** The intake is taking a request: for a while the runner yields most of the time to it. */
  noteIntake(): void {
    this.intakeAt = performance.now();
  }

  /** Runs every job that is due now, in batches; resolves with how many ran (stops early when stopping). */
  async runDue(): Promise<number> {
    let ran = 0;
    const heartbeat = setInterval(() => void this.renewLeases(), this.o.heartbeatMs ?? (this.leaseSeconds * 1000) / 3);
    heartbeat.unref();
    try {
      for (;;) {
        if (this.stopping) return ran;
        const jobs = await claimJobs(this.o.sql, this.id, 10, this.leaseSeconds);
        if (jobs.length === 0) return ran;
        for (const job of jobs) this.inHand.set(job.id, job);
        for (const job of jobs) {
          if (this.stopping) break;
          // Its lease lapsed before it was started (the heartbeat could not renew it): another runner may have it.
          if (!this.inHand.has(job.id)) continue;
          const t0 = performance.now();
          this.current = job;
          await this.runOne(job).finally(() => {
            this.current = undefined;
            this.inHand.delete(job.id);
          });
          ran++;
          await this.yieldToIntake(performance.now() - t0);
        }
        if (this.stopping) return ran;
      }
    } finally {
      clearInterval(heartbeat);
      await this.releaseUnstarted();
    }
  }

  /** How many jobs this runner holds now (claimed, running or waiting to run). */
  get jobsInHand(): number {
    return this.inHand.size;
  }

  private get leaseSeconds(): number {
    return this.o.leaseSeconds ?? 30;
  }

  /** The heartbeat: extends the lease of every job in hand; a job that was lost is dropped (and said so if its handler is running). */
  private async renewLeases(): Promise<void> {
    const ids = [...this.inHand.keys()];
    if (ids.length === 0) return;
    try {
      const held = new Set(await renewJobLeases(this.o.sql, this.id, ids, this.leaseSeconds));
      for (const id of ids) {
        if (held.has(id)) continue;
        const job = this.inHand.get(id);
        this.inHand.delete(id);
        if (job !== undefined && job === this.current) {
          this.o.log?.warn({ job: id, name: job.name }, 'the lease of a running job lapsed and another worker may have taken it: this worker will not record its outcome');
        }
      }
    } catch (err) {
      this.o.log?.warn({ err }, 'could not renew the leases of the jobs in hand; will retry');
    }
  }

  /** At the end of a run: claimed jobs that were never started go back to the queue at once rather than after their lease. */
  private async releaseUnstarted(): Promise<void> {
    const ids = [...this.inHand.keys()];
    this.inHand.clear();
    await releaseJobs(this.o.sql, this.id, ids).catch((err: unknown) => this.o.log?.warn({ err }, 'could not give back unstarted jobs; they are taken again when their lease lapses'));
  }

  /** Pauses after a job that took `tookMs` so that, while the intake is busy, the runner keeps to its share. */
  private async yieldToIntake(tookMs: number): Promise<void> {
    const share = this.o.busyShare ?? 0.25;
    if (share >= 1 || performance.now() - this.intakeAt > BUSY_WINDOW_MS) return;
    const pause = Math.min(MAX_PAUSE_MS, (tookMs * (1 - share)) / share);
    await new Promise((r) => setTimeout(r, pause));
  }

  /** Stops polling and waits for the job in hand; the jobs it had claimed but not started go back to the queue (for another runner, or the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async runOne(job: JobRow): Promise<void> {
    const handler = this.o.handlers[job.name];
    let note: string | null;
    try {
      if (handler === undefined) throw new Error(`no handler for job "${job.name}"`);
      note = await handler(job.payload, job);
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      // An upstream that said when to come back (429 Retry-After) is not asked sooner.
      const retryAfter = (err as { retryAfter?: unknown }).retryAfter;
      const backoff = backoffDelay(job.attempts, this.o.baseDelayMs ?? 1000, this.o.maxDelayMs ?? 3_600_000, this.o.random ?? Math.random);
      const delay = typeof retryAfter === 'number' ? Math.max(backoff, retryAfter * 1000) : backoff;
      const outcome = await failJob(this.o.sql, job, message, delay, this.id);
      this.o.onOutcome?.(job.name, outcome);
      if (outcome === 'lost') this.warnLost(job);
      else this.o.log?.warn({ job: job.id, name: job.name, attempt: job.attempts, outcome, error: message }, 'job failed');
      return;
    }
    const done = await completeJob(this.o.sql, job.id, note, this.id);
    this.o.onOutcome?.(job.name, done ? 'done' : 'lost');
    if (!done) this.warnLost(job);
  }

  private warnLost(job: JobRow): void {
    this.o.log?.warn({ job: job.id, name: job.name, worker: this.id }, 'job finished after its lease lapsed and another worker took it; its outcome here was not recorded');
  }
}
