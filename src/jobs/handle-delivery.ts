import { createAgentMatcher, isGitlabEventHeader, type GitlabClient, type GitlabEventHeader } from '../gitlab/index.js';
import { getDelivery, listAgentAccounts, type Sql } from '../store/index.js';
import { notProcessed, type DeliveryContext, type DeliveryHandler } from './delivery-handler.js';
import { DUO_FLOW_CALLBACK, handleFlowCallback } from './handle-flow-callback.js';
import { handleMergeRequestHook, MERGE_REQUEST_HOOK } from './handle-merge-request-hook.js';
import { CONFIDENTIAL_NOTE_HOOK, handleNoteHook, NOTE_HOOK } from './handle-note-hook.js';
import { handlePushHook, PUSH_HOOK } from './handle-push-hook.js';
import { handleSystemHook, SYSTEM_HOOK } from './handle-system-hook.js';
import type { Integrator } from '../log/index.js';
import { unprocessableReason } from '../gitlab/index.js';
import type { JobHandler } from './job-runner.js';

/** The job a stored webhook delivery gets. */
export const DELIVERY_JOB = 'gitlab.delivery';

/**
 * The one dispatch table of stored webhook deliveries, by their X-Gitlab-Event
 * header: one handler per event. Every other kind GitLab sends is kept as
 * delivered and not acted on.
 */
export const DELIVERY_HANDLERS = {
  [PUSH_HOOK]: handlePushHook,
  [SYSTEM_HOOK]: handleSystemHook,
  [MERGE_REQUEST_HOOK]: handleMergeRequestHook,
  [NOTE_HOOK]: handleNoteHook,
  [CONFIDENTIAL_NOTE_HOOK]: handleNoteHook,
  [DUO_FLOW_CALLBACK]: handleFlowCallback,
} satisfies { [H in GitlabEventHeader]?: DeliveryHandler };

const handlers: { readonly [H in GitlabEventHeader]?: DeliveryHandler } = DELIVERY_HANDLERS;

/** Processes a stored GitLab webhook delivery through the handler of its event. */
export function createDeliveryHandler(deps: { sql: Sql; integrator: Integrator; agentPatterns: readonly string[]; gitlab: GitlabClient | null }): JobHandler {
  const ctx: DeliveryContext = {
    sql: deps.sql,
    integrator: deps.integrator,
    gitlab: deps.gitlab,
    agentMatcher: async () => createAgentMatcher({ patterns: deps.agentPatterns, known: await listAgentAccounts(deps.sql) }),
  };
  return async (payload) => {
    const id = Number(payload.delivery_id);
    const delivery = Number.isSafeInteger(id) ? await getDelivery(deps.sql, id) : null;
    if (delivery === null) return `delivery ${String(payload.delivery_id)} no longer exists`;
    const unprocessable = unprocessableReason(delivery.body);
    if (unprocessable !== null) return `unprocessable: ${unprocessable}; not acted on`;
    const handle = isGitlabEventHeader(delivery.eventName) ? handlers[delivery.eventName] : undefined;
    return handle === undefined ? notProcessed(delivery.eventName) : handle(delivery, ctx);
  };
}
