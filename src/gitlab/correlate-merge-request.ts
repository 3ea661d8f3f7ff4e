// A merge request belongs to the sessions named by its footer marker or by
// its last commit's trailers, whose trailer-linked commits are on its source
// branch, or whose agent account opened it while running. When it is merged,
// its merge and squash commits (squash drops every trailer) are linked to
// those sessions too.
import type { NewEvent } from '../events.js';
import { parseGitlabTime } from './correlate-note.js';
import { deterministicUuid } from './deterministic-uuid.js';
import { sessionReferences } from '../trailers/index.js';
import { obj, str, type Obj } from './payload.js';


/** The marker flowtrail writes into MR descriptions and notes, and finds again before writing anything. */
export const marker = (sessionId: string): string => `<!-- flowtrail:session=${sessionId} -->`;
export const FOOTER_MARKER = /<!-- flowtrail:session=([A-Za-z0-9._:-]{1,128}) -->/g;

export interface MergeRequestLookups {
  sessionInProject: (sessionId: string, projectId: string, projectPath: string) => Promise<boolean>;
  sessionsWithCommitsOn: (projectPath: string, ref: string) => Promise<string[]>;
  sessionsLinkedTo: (projectPath: string, iid: string) => Promise<string[]>;
  runningSession: (agentId: string, project: string, at: Date) => Promise<string | null>;
  isAgent: (author: { name: string | null; email: string | null }, pusher: { username: string | null; name: string | null }) => boolean;
  /** Who started a session (GitLab's user id and username), for the separation of duties. */
  initiatorOf: (sessionId: string) => Promise<{ id: string | null; username: string | null } | null>;
}

// GitLab's merge request hook names an approval `approval` (one approver) or
// `approved` (all approvals given), and a merge `merge`.
const DUTY_ACTIONS: Readonly<Record<string, 'approved' | 'merged'>> = { approval: 'approved', approved: 'approved', merge: 'merged' };

export async function correlateMergeRequest(body: unknown, receivedAt: string, l: MergeRequestLookups): Promise<{ events: NewEvent[]; sessions: string[] }> {
  const b = obj(body);
  const mr = obj(b.object_attributes);
  const project = obj(b.project);
  const projectId = str(project.id) ?? str(mr.target_project_id);
  const projectPath = str(project.path_with_namespace);
  const iid = str(mr.iid);
  if (projectId === null || projectPath === null || iid === null) return { events: [], sessions: [] };
  const found = new Map<string, string>();
  const consider = async (sessionId: string | null, method: string) => {
    if (sessionId === null || found.has(sessionId)) return;
    if (await l.sessionInProject(sessionId, projectId, projectPath)) found.set(sessionId, method);
  };
  for (const m of (str(mr.description) ?? '').matchAll(FOOTER_MARKER)) await consider(m[1]!, 'footer');
  for (const r of sessionReferences(str(obj(mr.last_commit).message) ?? '')) await consider(r.sessionId, 'commit_trailer');
  const branch = str(mr.source_branch);
  if (branch !== null) for (const s of await l.sessionsWithCommitsOn(projectPath, `refs/heads/${branch}`)) await consider(s, 'branch_commits');
  const user = obj(b.user);
  const created = parseGitlabTime(str(mr.created_at));
  const authorId = str(mr.author_id);
  if (authorId !== null && created !== null && authorId === str(user.id) && l.isAgent({ name: str(user.name), email: null }, { username: str(user.username), name: str(user.name) })) {
    await consider(await l.runningSession(authorId, projectId, created), 'agent_activity');
  }
  const events: NewEvent[] = [];
  const at = parseGitlabTime(str(mr.updated_at))?.toISOString() ?? receivedAt;
  const link = (sessionId: string, type: string, id: string, method: string, extra: Obj) =>
    events.push({
      eventId: deterministicUuid(`gitlab_webhook:link:${projectId}:${type}:${id}:${sessionId}`),
      type: 'duo_flow_resource_linked', sessionId, occurredAt: at, source: 'gitlab_webhook', sourceType: 'Merge Request Hook', sourceId: `${iid}`,
      projectPath, username: null,
      data: { resource_type: type, resource_id: id, link_method: method, project: { id: projectId, path: projectPath }, ...extra },
    });
  for (const [sessionId, method] of found) link(sessionId, 'MergeRequest', iid, method, { web_url: str(mr.url), source_branch: branch });
  if (str(mr.action) === 'merge' || str(mr.state) === 'merged') {
    const sessions = new Set([...found.keys(), ...(await l.sessionsLinkedTo(projectPath, iid))]);
    for (const sessionId of sessions) {
      const merge = str(mr.merge_commit_sha);
      const squash = str(mr.squash_commit_sha);
      if (merge !== null) link(sessionId, 'Commit', merge, 'merge', { merge_request_iid: iid });
      if (squash !== null) link(sessionId, 'Commit', squash, 'squash', { merge_request_iid: iid });
    }
  }
  // Separation of duties: the person who started an agent session approves or merges its merge
  // request. The actor is GitLab's (the delivery's user, by id when both sides have one), never a
  // name a sender chose.
  const duty = DUTY_ACTIONS[str(mr.action) ?? ''];
  const actorId = str(user.id);
  const actorName = str(user.username);
  if (duty !== undefined && (actorId !== null || actorName !== null)) {
    const sessions = new Set([...found.keys(), ...(await l.sessionsLinkedTo(projectPath, iid))]);
    for (const sessionId of sessions) {
      const initiator = await l.initiatorOf(sessionId);
      if (initiator === null) continue;
      const same = initiator.id !== null && actorId !== null ? initiator.id === actorId : initiator.username !== null && initiator.username === actorName;
      if (!same) continue;
      events.push({
        eventId: deterministicUuid(`gitlab_webhook:sod:${projectId}:${iid}:${duty}:${actorId ?? actorName}:${sessionId}`),
        type: 'duo_flow_separation_of_duties_violation', sessionId, occurredAt: at, source: 'gitlab_webhook', sourceType: 'Merge Request Hook', sourceId: iid,
        projectPath, username: initiator.username,
        data: {
          action: duty, merge_request: { iid, project: { id: projectId, path: projectPath }, web_url: str(mr.url) },
          actor: { id: actorId, username: actorName }, initiator: { id: initiator.id, username: initiator.username },
        },
      });
    }
  }
  return { events, sessions: [...found.keys()] };
}
