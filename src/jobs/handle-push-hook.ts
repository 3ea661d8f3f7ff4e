import { correlatePush, type GitlabEventHeader } from '../gitlab/index.js';
import { getSession } from '../store/index.js';
import type { DeliveryHandler } from './delivery-handler.js';

export const PUSH_HOOK = 'Push Hook' satisfies GitlabEventHeader;

/**
 * What to list from the API for a push whose payload stopped at 20 commits:
 * an existing branch's `before..after`; a new branch's (before is all zeros)
 * commits not on the project's default branch; the default branch's own first
 * push, everything `after` reaches. Null when the payload does not say enough.
 */
export function pushRange(body: unknown): { from: string | null; to: string } | null {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { before?: unknown; after?: unknown; ref?: unknown; project?: { default_branch?: unknown } | null };
  if (typeof b.before !== 'string' || typeof b.after !== 'string' || b.after === '' || /^0+$/.test(b.after)) return null;
  if (!/^0+$/.test(b.before)) return { from: b.before, to: b.after };
  const main = b.project?.default_branch;
  if (typeof main !== 'string' || main === '') return null;
  return b.ref === `refs/heads/${main}` ? { from: null, to: b.after } : { from: main, to: b.after };
}

/**
 * A push links its commits to sessions by trailer and flags forged references
 * and untraced agent commits. GitLab sends at most 20 commits: when there are
 * more, the whole push is listed from the API (when flowtrail may call GitLab),
 * a new branch's as the commits not on the default branch.
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
    const range = pushRange(delivery.body);
    if (ctx.gitlab === null) note = `; ${r.commitsMissing} commits beyond the payload not examined: FLOWTRAIL_GITLAB_URL is not set`;
    else if (range === null) note = `; ${r.commitsMissing} commits beyond the payload not examined: the payload names no range to list (no after, or a new branch without the project's default branch)`;
    else {
      // List the whole push and examine every one (ids make repeats no-ops).
      const all = await ctx.gitlab.commitsBetween(String((delivery.body as { project_id?: unknown }).project_id), range.from, range.to);
      const commits = all.map((c) => ({ id: c.id, message: c.message, url: c.webUrl, timestamp: c.authoredDate, author: { name: c.authorName, email: c.authorEmail } }));
      r = await correlatePush({ ...(delivery.body as object), commits, total_commits_count: commits.length }, receivedAt, lookup);
      const what = range.from === null ? ' (first push of the default branch: every commit it reaches)' : /^0+$/.test(String((delivery.body as { before?: unknown }).before)) ? ` (new branch: the commits not on ${range.from})` : '';
      note = `; ${all.length} commits listed from the API${what}`;
    }
  }
  const appended = await ctx.integrator.append(r.events);
  return `push: ${r.commitsSeen} commits, ${appended.accepted} events appended${note}`;
};
