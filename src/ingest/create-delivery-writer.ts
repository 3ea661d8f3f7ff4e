import { saveDeliveries, type NewDelivery, type Sql } from '../store/index.js';

export interface DeliveryWriterOptions {
  sql: Sql;
  jobName: string;
  /** Statements in flight at once; the deliveries that arrive meanwhile wait and go together in the next. */
  maxInFlight?: number;
  /** Deliveries in one statement at most. */
  maxBatch?: number;
}

interface Waiting {
  delivery: NewDelivery;
  resolve: (id: number | null) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for webhook deliveries: concurrent requests share one INSERT
 * statement (and one commit), so a burst costs a few round trips instead of
 * one each. Each caller's promise settles when the statement holding its
 * delivery has committed, so a 200 still means "durably stored". If a
 * statement fails, its deliveries are stored again one by one, so one bad
 * delivery never fails the others.
 */
export function createDeliveryWriter(o: DeliveryWriterOptions): (d: NewDelivery) => Promise<number | null> {
  const maxInFlight = o.maxInFlight ?? 2;
  const maxBatch = o.maxBatch ?? 200;
  let queue: Waiting[] = [];
  let inFlight = 0;

  async function write(group: Waiting[]): Promise<void> {
    try {
      const ids = await saveDeliveries(o.sql, group.map((w) => w.delivery), o.jobName);
      group.forEach((w, i) => w.resolve(ids[i] ?? null));
    } catch (err) {
      if (group.length === 1) group[0]!.reject(err);
      else for (const w of group) await write([w]);
    }
  }

  function next(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const group = queue.slice(0, maxBatch);
      queue = queue.slice(group.length);
      inFlight++;
      void write(group).finally(() => {
        inFlight--;
        next();
      });
    }
  }

  return (delivery) =>
    new Promise((resolve, reject) => {
      queue.push({ delivery, resolve, reject });
      next();
    });
}
