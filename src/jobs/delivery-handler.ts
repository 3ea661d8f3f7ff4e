import type { createAgentMatcher, GitlabClient } from '../gitlab/index.js';
import type { getDelivery, Sql } from '../store/index.js';
import type { Integrator } from '../log/index.js';

/** A stored webhook delivery, as the worker reads it back. */
export type StoredDelivery = NonNullable<Awaited<ReturnType<typeof getDelivery>>>;

/** What every delivery handler may use. */
export interface DeliveryContext {
  sql: Sql;
  integrator: Integrator;
  gitlab: GitlabClient | null;
  /** Agent accounts as known now: the configured patterns and the accounts learned from sessions (one query per call). */
  agentMatcher: () => Promise<ReturnType<typeof createAgentMatcher>>;
}

/** Processes one kind of delivery (one X-Gitlab-Event value); answers the job's result line. */
export type DeliveryHandler = (delivery: StoredDelivery, ctx: DeliveryContext) => Promise<string>;

/** The result of a delivery flowtrail keeps but does not act on. */
export function notProcessed(eventName: string): string {
  return `stored; "${eventName}" is not processed yet`;
}
