import type { EventName, NewEvent } from '../events.js';
import { deterministicUuid, type GitlabClient } from '../gitlab/index.js';
import { getSession, gitlabSessionProjects, type Sql } from '../store/index.js';
import type { Integrator } from '../log/index.js';

const ENDINGS: Record<string, EventName> = { finished: 'duo_flow_completed', failed: 'duo_flow_failed', stopped: 'duo_flow_stopped' };

/**
 * GitLab drops an audit event it fails to stream and never resends it, so a daily
 * sweep asks GitLab (GraphQL) for the sessions of every project flowtrail
 * knows that changed since the last day: a session flowtrail never heard of
 * is recorded as created, an ending flowtrail missed as that ending (dated
 * when GitLab last updated it), which in turn archives the session.
 */
export async function sweepSessions(deps: { sql: Sql; integrator: Integrator; gitlab: GitlabClient }, since: Date): Promise<{ projects: number; seen: number; recorded: number }> {
  const projects = await gitlabSessionProjects(deps.sql);
  let seen = 0;
  let recorded = 0;
  for (const projectPath of projects) {
    for (const w of await deps.gitlab.workflowsUpdatedSince(projectPath, since)) {
      seen++;
      const known = await getSession(deps.sql, w.sessionId);
      const events: NewEvent[] = [];
      const base = { sessionId: w.sessionId, source: 'gitlab_archive' as const, sourceType: 'graphql sweep', sourceId: w.sessionId, projectPath, username: null };
      if (known === null && w.createdAt !== null) {
        events.push({ ...base, eventId: deterministicUuid(`sweep:${w.sessionId}:created`), type: 'duo_flow_created', occurredAt: w.createdAt,
          data: { flow_type: w.workflowDefinition, project: { path: projectPath }, gitlab: { status: w.status } } });
      }
      const ending = ENDINGS[w.status];
      const endedHere = known !== null && ['completed', 'failed', 'stopped'].includes(known.status);
      if (ending !== undefined && !endedHere) {
        events.push({ ...base, eventId: deterministicUuid(`sweep:${w.sessionId}:${w.status}`), type: ending, occurredAt: w.updatedAt ?? new Date().toISOString(),
          data: ending === 'duo_flow_failed'
            ? { error_category: 'gitlab_sweep', error_code: 'failed', error_message: 'GitLab reports the session as failed; its failure event never arrived', failed_at_step: 'unknown', gitlab: { status: w.status } }
            : { gitlab: { status: w.status } } });
      }
      if (events.length === 0) continue;
      // Appending an ending from GitLab queues the session's archival as any ending does.
      recorded += (await deps.integrator.append(events)).accepted;
    }
  }
  return { projects: projects.length, seen, recorded };
}
