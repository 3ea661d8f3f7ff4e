import { correlatePush, type GitlabEventHeader } from '../gitlab/index.js';
import { getSession } from '../store/index.js';
import type { DeliveryHandler } from './delivery-handler.js';

export const PUSH_HOOK = 'Push Hook' satisfies GitlabEventHeader;

/**
 * A push links its commits to sessions by trailer and flags forged references
 * and untraced agent commits. GitLab sends at most 20 commits: when there are
 * more, the whole push is listed from the API (when flowtrail may call GitLab).
 */
export const handlePushHook: DeliveryHandler = async (delivery, ctx) => {
  const lookup = {
    session: async (sessionId: string) => {
      const s = await getSession(ctx.sql, sessionId);
      return s === null ? null : { projectId: s.projectId, projectPath: s.projectPath };
    },
    isAgent: await ctx.agentMatcher(),
  };
  const receivedAt = delivery.receivedAt.toISOString();
  let r = await correlatePush(delivery.body, receivedAt, lookup);
  let note = '';
  if (r.commitsMissing > 0) {
    const body = delivery.body as { before?: unknown; after?: unknown; project_id?: unknown };
    const range = typeof body.before === 'string' && typeof body.after === 'string' && !/^0+$/.test(body.before) ? [body.before, body.after] : null;
    if (ctx.gitlab === null) note = `; ${r.commitsMissing} commits beyond the payload not examined: FLOWTRAIL_GITLAB_URL is not set`;
    else if (range === null) note = `; ${r.commitsMissing} commits beyond the payload not examined: a new branch has no range to list`;
    else {
      // List the whole push and examine every one (ids make repeats no-ops).
      const all = await ctx.gitlab.commitsBetween(String(body.project_id), range[0]!, range[1]!);
      const commits = all.map((c) => ({ id: c.id, message: c.message, url: c.webUrl, timestamp: c.authoredDate, author: { name: c.authorName, email: c.authorEmail } }));
      r = await correlatePush({ ...(delivery.body as object), commits, total_commits_count: commits.length }, receivedAt, lookup);
      note = `; ${all.length} commits listed from the API`;
    }
  }
  const appended = await ctx.integrator.append(r.events);
  return `push: ${r.commitsSeen} commits, ${appended.accepted} events appended${note}`;
};
