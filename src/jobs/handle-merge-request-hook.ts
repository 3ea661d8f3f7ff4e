import { correlateMergeRequest, type GitlabEventHeader } from '../gitlab/index.js';
import { enqueueJob, findRunningSession, getSession, sessionsLinkedTo, sessionsWithCommitsOn, writtenSessions } from '../store/index.js';
import type { DeliveryHandler } from './delivery-handler.js';
import { skipOwnDelivery } from './skip-own-delivery.js';
import { WRITE_BACK_JOB } from './write-back.js';

export const MERGE_REQUEST_HOOK = 'Merge Request Hook' satisfies GitlabEventHeader;

type MergeRequestBody = {
  object_attributes?: { iid?: unknown; state?: unknown };
  project?: { id?: unknown; path_with_namespace?: unknown };
};

/**
 * A merge request is linked to sessions (by footer marker, branch commits,
 * merge and squash commits, or the running session of its agent author); an
 * open one linked to any session, or that flowtrail has written to before,
 * gets its write-back job on every delivery, whatever the delivery says
 * changed: the job compares flowtrail's record with GitLab, so a footer
 * removal is found even when the delivery does not carry the description, or
 * the delivery of the edit itself never arrived.
 */
export const handleMergeRequestHook: DeliveryHandler = async (delivery, ctx) => {
  const skipped = await skipOwnDelivery(delivery, ctx);
  if (skipped !== null) return skipped;
  const { sql } = ctx;
  const r = await correlateMergeRequest(delivery.body, delivery.receivedAt.toISOString(), {
    sessionInProject: async (sessionId, projectId, projectPath) => {
      const s = await getSession(sql, sessionId);
      return s !== null && (s.projectId === projectId || s.projectPath === projectPath);
    },
    sessionsWithCommitsOn: (projectPath, ref) => sessionsWithCommitsOn(sql, projectPath, ref),
    sessionsLinkedTo: (projectPath, iid) => sessionsLinkedTo(sql, projectPath, 'MergeRequest', iid),
    runningSession: (agentId, project, at) => findRunningSession(sql, agentId, project, at),
    isAgent: await ctx.agentMatcher(),
    initiatorOf: async (sessionId) => {
      const s = await getSession(sql, sessionId);
      return s === null ? null : { id: s.userId, username: s.username };
    },
  });
  const appended = await ctx.integrator.append(r.events);
  const mr = delivery.body as MergeRequestBody;
  const projectId = String(mr.project?.id ?? '');
  const iid = String(mr.object_attributes?.iid ?? '');
  const sessions = [...new Set([
    ...r.sessions,
    ...(await sessionsLinkedTo(sql, String(mr.project?.path_with_namespace ?? ''), 'MergeRequest', iid)),
    ...(projectId !== '' && iid !== '' ? await writtenSessions(sql, projectId, iid) : []),
  ])];
  if (sessions.length > 0 && mr.object_attributes?.state === 'opened' && projectId !== '' && iid !== '') {
    await enqueueJob(sql, WRITE_BACK_JOB, { project_id: projectId, iid, session_ids: sessions, delivery_id: delivery.id });
  }
  return `merge request: sessions [${r.sessions.join(', ')}], ${appended.accepted} links appended`;
};
