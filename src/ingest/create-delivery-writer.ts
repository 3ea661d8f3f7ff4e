import { createGroupCommit } from '../log/index.js';
import { saveDeliveries, type NewDelivery, type Sql } from '../store/index.js';

/**
 * The webhook intake's writes: concurrent deliveries and their jobs share one
 * INSERT (group commit, two statements in flight, at most 200 a statement).
 * A caller's promise settles when its delivery is committed, so a 200 still
 * means "durably stored"; one bad delivery never fails the others.
 */
export function createDeliveryWriter(o: { sql: Sql; jobName: string }): (d: NewDelivery) => Promise<number | null> {
  return createGroupCommit<NewDelivery, number | null>((ds) => saveDeliveries(o.sql, ds, o.jobName), { maxInFlight: 2, maxWeight: 200 });
}
