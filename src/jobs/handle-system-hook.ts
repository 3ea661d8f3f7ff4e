import type { GitlabEventHeader } from '../gitlab/index.js';
import { notProcessed, type DeliveryHandler } from './delivery-handler.js';
import { handlePushHook } from './handle-push-hook.js';

export const SYSTEM_HOOK = 'System Hook' satisfies GitlabEventHeader;

/** A system hook's push (`object_kind: push`) is handled as a push; its other kinds are kept as delivered. */
export const handleSystemHook: DeliveryHandler = async (delivery, ctx) => {
  const kind = (delivery.body as { object_kind?: unknown } | null)?.object_kind;
  if (kind === 'push') return handlePushHook(delivery, ctx);
  return notProcessed(delivery.eventName);
};
