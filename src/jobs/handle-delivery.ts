import { mapFlowCallback } from '../gitlab/index.js';
import { getDelivery, getSession, type Sql } from '../store/index.js';
import type { Integrator } from './integrator.js';
import type { JobHandler } from './job-runner.js';

/**
 * Processes a stored GitLab webhook delivery. Duo flow callbacks drive the
 * session lifecycle; the other kinds are kept as delivered for the GitLab bot
 * (push, merge request and note correlation), which is not built yet.
 */
export function createDeliveryHandler(deps: { sql: Sql; integrator: Integrator }): JobHandler {
  return async (payload) => {
    const id = Number(payload.delivery_id);
    const delivery = Number.isSafeInteger(id) ? await getDelivery(deps.sql, id) : null;
    if (delivery === null) return `delivery ${String(payload.delivery_id)} no longer exists`;
    if (delivery.eventName !== 'Duo Flow Callback') return `stored; "${delivery.eventName}" is not processed yet`;
    const mapped = mapFlowCallback(delivery.body, delivery.receivedAt.toISOString());
    if (!mapped.ok) return `ignored: ${mapped.reason}`;
    // flow.failed also reports a flow a person stopped; the audit stream's stop already ended the session.
    if (mapped.event.type === 'duo_flow_failed' && (await getSession(deps.sql, mapped.event.sessionId!))?.status === 'stopped') {
      return 'ignored: the session was stopped; flow.failed reports the same end';
    }
    const r = await deps.integrator.append([mapped.event]);
    return r.accepted === 1 ? `appended ${mapped.event.type}` : `duplicate ${mapped.event.type}`;
  };
}
