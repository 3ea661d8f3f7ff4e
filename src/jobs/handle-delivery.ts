import { correlateMergeRequest, correlateNote, correlatePush, createAgentMatcher, isOwnDelivery, mapFlowCallback, marker, type GitlabClient } from '../gitlab/index.js';
import { enqueueJob, findRunningSession, getDelivery, getSession, listAgentAccounts, sessionsLinkedTo, sessionsWithCommitsOn, type Sql } from '../store/index.js';
import { WRITE_BACK_JOB } from './write-back.js';
import type { Integrator } from './integrator.js';
import type { JobHandler } from './job-runner.js';

/**
 * Processes a stored GitLab webhook delivery. Duo flow callbacks drive the
 * session lifecycle; pushes link their commits to sessions by trailer and
 * flag forged references and untraced agent commits; merge requests are linked
 * to sessions (and get their write-back job) and agent notes to the running
 * session. A merge request or note delivery caused by flowtrail's own GitLab
 * user is skipped. Other kinds are kept as delivered.
 */
/** The job a stored webhook delivery gets. */
export const DELIVERY_JOB = 'gitlab.delivery';

export function createDeliveryHandler(deps: { sql: Sql; integrator: Integrator; agentPatterns: readonly string[]; gitlab: GitlabClient | null }): JobHandler {
  // Agent accounts as known now: the configured patterns and the accounts learned from sessions.
  const agentMatcher = async () => createAgentMatcher({ patterns: deps.agentPatterns, known: await listAgentAccounts(deps.sql) });
  return async (payload) => {
    const id = Number(payload.delivery_id);
    const delivery = Number.isSafeInteger(id) ? await getDelivery(deps.sql, id) : null;
    if (delivery === null) return `delivery ${String(payload.delivery_id)} no longer exists`;
    const kind = (delivery.body as { object_kind?: unknown } | null)?.object_kind;
    if (delivery.eventName === 'Push Hook' || (delivery.eventName === 'System Hook' && kind === 'push')) {
      const lookup = {
        session: async (sessionId: string) => {
          const s = await getSession(deps.sql, sessionId);
          return s === null ? null : { projectId: s.projectId, projectPath: s.projectPath };
        },
        isAgent: await agentMatcher(),
      };
      const receivedAt = delivery.receivedAt.toISOString();
      let r = await correlatePush(delivery.body, receivedAt, lookup);
      let note = '';
      if (r.commitsMissing > 0) {
        const body = delivery.body as { before?: unknown; after?: unknown; project_id?: unknown };
        const range = typeof body.before === 'string' && typeof body.after === 'string' && !/^0+$/.test(body.before) ? [body.before, body.after] : null;
        if (deps.gitlab === null) note = `; ${r.commitsMissing} commits beyond the payload not examined: FLOWTRAIL_GITLAB_URL is not set`;
        else if (range === null) note = `; ${r.commitsMissing} commits beyond the payload not examined: a new branch has no range to list`;
        else {
          // GitLab sends at most 20 commits: list the whole push and examine every one (ids make repeats no-ops).
          const all = await deps.gitlab.commitsBetween(String(body.project_id), range[0]!, range[1]!);
          const commits = all.map((c) => ({ id: c.id, message: c.message, url: c.webUrl, timestamp: c.authoredDate, author: { name: c.authorName, email: c.authorEmail } }));
          r = await correlatePush({ ...(delivery.body as object), commits, total_commits_count: commits.length }, receivedAt, lookup);
          note = `; ${all.length} commits listed from the API`;
        }
      }
      const appended = await deps.integrator.append(r.events);
      return `push: ${r.commitsSeen} commits, ${appended.accepted} events appended${note}`;
    }
    const mergeRequestOrNote = ['Merge Request Hook', 'Note Hook', 'Confidential Note Hook'].includes(delivery.eventName);
    if (mergeRequestOrNote && deps.gitlab !== null) {
      // The bot's own footer edit and session note come back as deliveries: never act on them (no loops).
      const bot = await deps.gitlab.currentUser();
      if (isOwnDelivery(delivery.body, bot)) return `skipped: caused by flowtrail's own GitLab user ${bot.username}; not acted on`;
    }
    if (delivery.eventName === 'Merge Request Hook') {
      const r = await correlateMergeRequest(delivery.body, delivery.receivedAt.toISOString(), {
        sessionInProject: async (sessionId, projectId, projectPath) => {
          const s = await getSession(deps.sql, sessionId);
          return s !== null && (s.projectId === projectId || s.projectPath === projectPath);
        },
        sessionsWithCommitsOn: (projectPath, ref) => sessionsWithCommitsOn(deps.sql, projectPath, ref),
        sessionsLinkedTo: (projectPath, iid) => sessionsLinkedTo(deps.sql, projectPath, 'MergeRequest', iid),
        runningSession: (agentId, project, at) => findRunningSession(deps.sql, agentId, project, at),
        isAgent: await agentMatcher(),
      });
      const appended = await deps.integrator.append(r.events);
      const mr = (delivery.body as { object_attributes?: { iid?: unknown; state?: unknown }; project?: { id?: unknown; path_with_namespace?: unknown }; changes?: { description?: { previous?: unknown; current?: unknown } } });
      const projectId = String(mr.project?.id ?? '');
      const iid = String(mr.object_attributes?.iid ?? '');
      const sessions = [...new Set([...r.sessions, ...(await sessionsLinkedTo(deps.sql, String(mr.project?.path_with_namespace ?? ''), 'MergeRequest', iid))])];
      if (sessions.length > 0 && mr.object_attributes?.state === 'opened' && projectId !== '' && iid !== '') {
        // A footer that was in the description before this edit and is not now was removed by someone.
        const before = String(mr.changes?.description?.previous ?? '');
        const now = String(mr.changes?.description?.current ?? '');
        const removed = sessions.filter((s) => before.includes(marker(s)) && !now.includes(marker(s)));
        await enqueueJob(deps.sql, WRITE_BACK_JOB, { project_id: projectId, iid, session_ids: sessions, footer_removed: removed, delivery_id: delivery.id });
      }
      return `merge request: sessions [${r.sessions.join(', ')}], ${appended.accepted} links appended`;
    }
    if (delivery.eventName === 'Note Hook' || delivery.eventName === 'Confidential Note Hook') {
      const r = await correlateNote(delivery.body, {
        isAgent: await agentMatcher(),
        runningSession: (agentId, project, at) => findRunningSession(deps.sql, agentId, project, at),
      });
      if (r.event === null) return `note: ${r.reason}`;
      const appended = await deps.integrator.append([r.event]);
      return appended.accepted === 1 ? `note linked to session ${r.event.sessionId}` : 'note already linked';
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
