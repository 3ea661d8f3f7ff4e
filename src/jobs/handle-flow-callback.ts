import { mapFlowCallback, type GitlabEventHeader } from '../gitlab/index.js';
import { getSession } from '../store/index.js';
import type { DeliveryHandler } from './delivery-handler.js';

export const DUO_FLOW_CALLBACK = 'Duo Flow Callback' satisfies GitlabEventHeader;

/** A Duo flow callback (flow.started, flow.completed, flow.failed) drives the session lifecycle. */
export const handleFlowCallback: DeliveryHandler = async (delivery, ctx) => {
  const mapped = mapFlowCallback(delivery.body, delivery.receivedAt.toISOString());
  if (!mapped.ok) return `ignored: ${mapped.reason}`;
  // flow.failed also reports a flow a person stopped; the audit stream's stop already ended the session.
  if (mapped.event.type === 'duo_flow_failed' && (await getSession(ctx.sql, mapped.event.sessionId!))?.status === 'stopped') {
    return 'ignored: the session was stopped; flow.failed reports the same end';
  }
  const r = await ctx.integrator.append([mapped.event]);
  return r.accepted === 1 ? `appended ${mapped.event.type}` : `duplicate ${mapped.event.type}`;
};
