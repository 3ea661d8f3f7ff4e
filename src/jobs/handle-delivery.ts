import { correlatePush, createAgentMatcher, mapFlowCallback } from '../gitlab/index.js';
import { getDelivery, getSession, listAgentAccounts, type Sql } from '../store/index.js';
import type { Integrator } from './integrator.js';
import type { JobHandler } from './job-runner.js';

/**
 * Processes a stored GitLab webhook delivery. Duo flow callbacks drive the
 * session lifecycle; pushes link their commits to sessions by trailer and
 * flag forged references and untraced agent commits. The other kinds are kept
 * as delivered for the rest of the GitLab bot (merge requests, notes).
 */
export function createDeliveryHandler(deps: { sql: Sql; integrator: Integrator; agentPatterns: readonly string[] }): JobHandler {
  return async (payload) => {
    const id = Number(payload.delivery_id);
    const delivery = Number.isSafeInteger(id) ? await getDelivery(deps.sql, id) : null;
    if (delivery === null) return `delivery ${String(payload.delivery_id)} no longer exists`;
    const kind = (delivery.body as { object_kind?: unknown } | null)?.object_kind;
    if (delivery.eventName === 'Push Hook' || (delivery.eventName === 'System Hook' && kind === 'push')) {
      const isAgent = createAgentMatcher({ patterns: deps.agentPatterns, known: await listAgentAccounts(deps.sql) });
      const r = await correlatePush(delivery.body, delivery.receivedAt.toISOString(), {
        session: async (sessionId) => {
          const s = await getSession(deps.sql, sessionId);
          return s === null ? null : { projectId: s.projectId, projectPath: s.projectPath };
        },
        isAgent,
      });
      const appended = await deps.integrator.append(r.events);
      const missing = r.commitsMissing > 0 ? `; ${r.commitsMissing} commits beyond the payload are not fetched yet` : '';
      return `push: ${r.commitsSeen} commits, ${appended.accepted} events appended${missing}`;
    }
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
