interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions<T> {
  /** Statements in flight at once; what arrives meanwhile waits and goes together in the next. */
  maxInFlight?: number;
  /** How much one group may hold, by `weight` (1 per item by default). */
  maxWeight: number;
  weight?: (item: T) => number;
}

/**
 * Group commit: concurrent callers share one statement (and one commit), so a
 * burst costs a few round trips instead of one each. `commit` answers for
 * each item of the group, in order; each caller's promise settles when the
 * statement holding its item has committed. If a group fails, its items are
 * committed again one by one, so one bad item never fails the others.
 * Used by the log's append (one transaction at a time, by event count) and by
 * the webhook intake (two statements in flight).
 */
export function createGroupCommit<T, R>(commit: (items: T[]) => Promise<R[]>, o: GroupCommitOptions<T>): (item: T) => Promise<R> {
  const maxInFlight = o.maxInFlight ?? 1;
  const weight = o.weight ?? (() => 1);
  let queue: Waiting<T, R>[] = [];
  let inFlight = 0;

  async function run(group: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await commit(group.map((w) => w.item));
      group.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      if (group.length === 1) group[0]!.reject(err);
      else for (const w of group) await run([w]);
    }
  }

  function next(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      let take = 0;
      let size = 0;
      while (take < queue.length && (take === 0 || size + weight(queue[take]!.item) <= o.maxWeight)) size += weight(queue[take++]!.item);
      const group = queue.slice(0, take);
      queue = queue.slice(take);
      inFlight++;
      void run(group).finally(() => {
        inFlight--;
        next();
      });
    }
  }

  return (item) =>
    new Promise((resolve, reject) => {
      queue.push({ item, resolve, reject });
      next();
    });
}
