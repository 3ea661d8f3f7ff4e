import type { NewEvent } from '../events.js';
import type { AppendResult } from './append-events.js';

type Commit = (events: NewEvent[]) => Promise<AppendResult>;

interface Waiting {
  events: readonly NewEvent[];
  resolve: (r: { accepted: number; duplicates: number }) => void;
  reject: (err: unknown) => void;
}

const MAX_GROUP_EVENTS = 5000;

/**
 * Group commit: while one transaction runs, callers queue; the next
 * transaction takes everything queued. Each caller learns how many of its own
 * events were new. If a group fails, each caller's events are retried alone,
 * so one bad submission never fails the others.
 */
export function createGroupCommit(commit: Commit): (events: readonly NewEvent[]) => Promise<{ accepted: number; duplicates: number }> {
  let queue: Waiting[] = [];
  let running = false;

  async function run(group: Waiting[]): Promise<void> {
    try {
      const r = await commit(group.flatMap((g) => g.events));
      let offset = 0;
      for (const g of group) {
        const flags = r.appendedFlags.slice(offset, offset + g.events.length);
        offset += g.events.length;
        const accepted = flags.filter(Boolean).length;
        g.resolve({ accepted, duplicates: g.events.length - accepted });
      }
    } catch (err) {
      if (group.length === 1) {
        group[0]!.reject(err);
        return;
      }
      for (const g of group) await run([g]);
    }
  }

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      let take = 0;
      let size = 0;
      while (take < queue.length && (take === 0 || size + queue[take]!.events.length <= MAX_GROUP_EVENTS)) size += queue[take++]!.events.length;
      const group = queue.slice(0, take);
      queue = queue.slice(take);
      await run(group);
    }
    running = false;
  }

  return (events) =>
    new Promise((resolve, reject) => {
      if (events.length === 0) {
        resolve({ accepted: 0, duplicates: 0 });
        return;
      }
      queue.push({ events, resolve, reject });
      if (!running) void drain();
    });
}
