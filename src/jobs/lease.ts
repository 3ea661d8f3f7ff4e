import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { releaseLease, takeLease, type Sql } from '../store/index.js';

export interface LeaseOptions {
  sql: Sql;
  name: string;
  /** Who holds it; unique per process start (host, pid, random). */
  holder?: string;
  /** How long a taken or renewed lease lasts, by the database's clock (default 30 s). */
  ttlSeconds?: number;
  /**
   * How often its user calls renew() (default 10 s: two renewals may fail
   * before it lapses); held() keeps a margin of one renewal.
   */
  renewMs?: number;
  log?: Logger;
}

export interface Lease {
  readonly holder: string;
  /** How often renew() is meant to be called (startScheduledWork ticks at this pace). */
  readonly renewMs: number;
  /** Whether this process held the lease at the last attempt, and that attempt's lease has not yet run out by this process's clock. */
  held(): boolean;
  /** Tries to take or renew the lease now; resolves with whether this process holds it (false when the database is unreachable). */
  renew(): Promise<boolean>;
  /** Waits for a renewal in flight and gives the lease up, so another process takes it at once. */
  stop(): Promise<void>;
}

export function processHolder(): string {
  return `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * A lease in PostgreSQL (the `leases` table) that at most one process holds at
 * a time: whoever takes it first keeps it by renewing it every renewMs (the
 * caller's rounds, see startScheduledWork: the lease has no timer), and
 * when that process dies (or cannot reach the database) the lease runs out
 * after ttlSeconds and the next process to try takes it over. Ownership is
 * decided only by the database, in one statement, with its own now().
 *
 * held() also runs out by this process's monotonic clock a little before the
 * lease can have expired in the database (counted from before the statement
 * was sent), so a holder that could not renew stops acting as the holder
 * before another process can take over.
 */
export function createLease(o: LeaseOptions): Lease {
  const holder = o.holder ?? processHolder();
  const ttlSeconds = o.ttlSeconds ?? 30;
  const renewMs = o.renewMs ?? 10_000;
  let heldUntil = -Infinity;
  let renewing: Promise<boolean> | undefined;
  let wasHeld = false;

  async function attempt(): Promise<boolean> {
    const sentAt = performance.now();
    let held: boolean;
    try {
      held = await takeLease(o.sql, o.name, holder, ttlSeconds);
    } catch (err) {
      o.log?.warn({ err, lease: o.name }, 'could not take or renew the lease; will retry');
      held = false;
    }
    // A lease taken is ours until sentAt + ttl at the latest; keep a margin of one renewal for clock drift and pauses.
    heldUntil = held ? sentAt + ttlSeconds * 1000 - Math.min(renewMs, ttlSeconds * 500) : -Infinity;
    if (held !== wasHeld) o.log?.info({ lease: o.name, holder }, held ? 'took the lease: this process runs the scheduled work' : 'does not hold the lease');
    wasHeld = held;
    return held;
  }

  const renew = () => (renewing ??= attempt().finally(() => (renewing = undefined)));

  return {
    holder,
    renewMs,
    held: () => performance.now() < heldUntil,
    renew,
    async stop() {
      await renewing;
      heldUntil = -Infinity;
      if (!wasHeld) return;
      wasHeld = false;
      await releaseLease(o.sql, o.name, holder).catch((err: unknown) => o.log?.warn({ err, lease: o.name }, 'could not give the lease up; it runs out by itself'));
    },
  };
}
