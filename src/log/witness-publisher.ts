import type { Logger } from 'pino';
import type { Witness } from './checkpoint-witness.js';

export interface WitnessPublisher {
  /** Queues a signed checkpoint for every witness and returns at once: the log never waits for a witness. */
  publish(note: string, treeSize: number): void;
  /**
   * Tries every witness now and waits until each holds every published checkpoint, or until
   * `timeoutMs` passed; answers the witnesses still behind, each with its last error.
   */
  flush(timeoutMs: number): Promise<{ witness: string; pending: number; error: string }[]>;
  /** Checkpoints queued and not yet delivered, over all witnesses. */
  pending(): number;
  /** Stops the retry timers (what is still queued is dropped; the next start re-sends the latest checkpoint). */
  stop(): void;
}

export interface WitnessPublisherOptions {
  log?: Logger;
  onFailure?: (witness: string) => void;
  onDelivered?: (witness: string, checkpoints: number) => void;
  /** First retry delay; it doubles after each failure up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Queue length per witness; past it the oldest are dropped (the newest checkpoint covers everything before it). */
  maxPending?: number;
}

interface State {
  witness: Witness;
  queue: Map<number, string>;
  running: boolean;
  timer?: NodeJS.Timeout;
  delayMs: number;
  lastError: string;
}

const BATCH = 100;

/**
 * Delivers checkpoints to each witness on its own, in tree size order, retrying failures with
 * exponential backoff (logged and counted, never thrown at the log). Deliveries are idempotent,
 * so a checkpoint sent twice (a retry after a lost answer, the latest re-sent at start) is harmless.
 */
export function createWitnessPublisher(witnesses: readonly Witness[], o: WitnessPublisherOptions = {}): WitnessPublisher {
  const minDelay = o.minDelayMs ?? 1000;
  const maxDelay = o.maxDelayMs ?? 300_000;
  const maxPending = o.maxPending ?? 1000;
  const states: State[] = witnesses.map((witness) => ({ witness, queue: new Map(), running: false, delayMs: minDelay, lastError: '' }));

  function attempt(s: State): void {
    if (s.running || s.queue.size === 0) return;
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.timer = undefined;
    s.running = true;
    const batch = [...s.queue].sort(([a], [b]) => a - b).slice(0, BATCH).map(([treeSize, note]) => ({ treeSize, note }));
    s.witness.deliver(batch).then(
      () => {
        for (const cp of batch) if (s.queue.get(cp.treeSize) === cp.note) s.queue.delete(cp.treeSize);
        s.delayMs = minDelay;
        s.lastError = '';
        o.onDelivered?.(s.witness.name, batch.length);
        s.running = false;
        attempt(s);
      },
      (err: unknown) => {
        s.lastError = err instanceof Error ? err.message : String(err);
        o.onFailure?.(s.witness.name);
        o.log?.warn({ witness: s.witness.name, pending: s.queue.size, retryInMs: s.delayMs, err: s.lastError }, 'checkpoint witness failed; will retry');
        s.running = false;
        s.timer = setTimeout(() => attempt(s), s.delayMs);
        s.timer.unref();
        s.delayMs = Math.min(s.delayMs * 2, maxDelay);
      },
    );
  }

  return {
    publish(note, treeSize) {
      for (const s of states) {
        s.queue.set(treeSize, note);
        if (s.queue.size > maxPending) {
          const oldest = [...s.queue.keys()].sort((a, b) => a - b).slice(0, s.queue.size - maxPending);
          for (const size of oldest) s.queue.delete(size);
          o.log?.warn({ witness: s.witness.name, dropped: oldest.length }, 'checkpoint witness is far behind: dropped its oldest queued checkpoints (the newest covers them)');
        }
        if (s.timer === undefined) attempt(s);
      }
    },
    async flush(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (const s of states) attempt(s);
      while (states.some((s) => s.queue.size > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        for (const s of states) if (!s.running && s.queue.size > 0 && s.lastError === '') attempt(s);
      }
      return states.filter((s) => s.queue.size > 0).map((s) => ({ witness: s.witness.name, pending: s.queue.size, error: s.lastError || 'still delivering' }));
    },
    pending: () => states.reduce((n, s) => n + s.queue.size, 0),
    stop() {
      for (const s of states) if (s.timer !== undefined) clearTimeout(s.timer);
    },
  };
}
