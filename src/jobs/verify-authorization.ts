import { deterministicUuid, type GitlabClient } from '../gitlab/index.js';
import { getSession, type Sql } from '../store/index.js';
import type { Integrator } from '../log/index.js';
import type { JobHandler } from './job-runner.js';

/** GitLab's access levels (Developer may push and open merge requests). */
const LEVELS: Record<number, string> = { 0: 'no access', 5: 'minimal access', 10: 'guest', 15: 'planner', 20: 'reporter', 30: 'developer', 40: 'maintainer', 50: 'owner' };
const DEVELOPER = 30;
/** A GitLab user id: what the membership API takes. */
const GITLAB_ID = /^\d{1,18}$/;
const name = (level: number | null) => (level === null ? 'not a member' : `${LEVELS[level] ?? 'level'} (${level})`);

/**
 * SOC 2 CC6.1: under what authority did the session run? Asks GitLab for the
 * initiator's and the agent's access on the project and records
 * duo_flow_authorization_verified, or _unverified with the reason. When
 * GitLab cannot be asked, the job retries; after its last attempt it records
 * why the authorization stays unverified.
 */
export function createAuthorizationHandler(deps: { sql: Sql; integrator: Integrator; gitlab: GitlabClient | null }): JobHandler {
  return async (payload, job) => {
    const sessionId = String(payload.session_id);
    const session = await getSession(deps.sql, sessionId);
    if (session === null) return `session ${sessionId} is unknown`;
    const record = async (verified: boolean, data: Record<string, unknown>) => {
      const r = await deps.integrator.append([{
        eventId: deterministicUuid(`authorization:${sessionId}`),
        type: verified ? 'duo_flow_authorization_verified' : 'duo_flow_authorization_unverified',
        sessionId, occurredAt: new Date().toISOString(), source: 'system', projectPath: session.projectPath, username: session.username, data,
      }]);
      return `${verified ? 'verified' : 'unverified'}${r.accepted === 0 ? ' (already recorded)' : ''}`;
    };
    if (deps.gitlab === null) return record(false, { reason: 'FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN are not set, so GitLab was not asked' });
    if (session.projectId === null || session.userId === null) return record(false, { reason: 'the session names no GitLab project id or initiator id' });
    // GitLab's membership API takes user ids. Sessions from OTLP traces name people and agents as the agent sent them (enduser.id, gen_ai.agent.id).
    if (!GITLAB_ID.test(session.userId)) {
      return record(false, { reason: `the initiator is named "${session.userId}", not by a GitLab user id, so GitLab's project membership could not be asked` });
    }
    const agentId = session.agentId !== null && GITLAB_ID.test(session.agentId) ? session.agentId : null;
    let initiator: number | null;
    let agent: number | null = null;
    try {
      initiator = await deps.gitlab.memberAccessLevel(session.projectId, session.userId);
      if (agentId !== null) agent = await deps.gitlab.memberAccessLevel(session.projectId, agentId);
    } catch (err) {
      if (job.attempts < job.maxAttempts) throw err;
      return record(false, { reason: `GitLab could not be asked: ${err instanceof Error ? err.message : String(err)}` });
    }
    const access_level = { initiator: initiator, initiator_role: name(initiator), agent, agent_role: agentId === null ? 'unknown agent account' : name(agent) };
    const reasons: string[] = [];
    if (initiator === null || initiator < DEVELOPER) reasons.push(`the initiator is ${name(initiator)} on the project, below developer`);
    if (agentId !== null && (agent === null || agent < DEVELOPER)) reasons.push(`the agent account is ${name(agent)} on the project, below developer`);
    if (reasons.length > 0) return record(false, { reason: reasons.join('; '), access_level });
    return record(true, { verified_at: new Date().toISOString(), method: 'gitlab_project_membership', access_level, scopes: (session.authorizationReported as { scopes?: unknown } | null)?.scopes ?? [] });
  };
}
