// A push webhook's commits against the sessions they name (docs/gitlab-setup.md):
// each valid trailer links its commit to the session; a trailer naming a
// missing session or one of another project is flagged; an agent-authored
// commit with no valid trailer is flagged as untraced.
import type { EventName, NewEvent } from '../events.js';
import { deterministicUuid } from './deterministic-uuid.js';
import { sessionReferences } from '../trailers/index.js';
import { obj, str, type Obj } from './payload.js';


export interface SessionInfo {
  projectId: string | null;
  projectPath: string | null;
}

export interface PushCorrelation {
  events: NewEvent[];
  commitsSeen: number;
  /** Commits the push had beyond those in the payload (GitLab sends at most 20). */
  commitsMissing: number;
}

export async function correlatePush(
  body: unknown,
  receivedAt: string,
  lookup: { session: (id: string) => Promise<SessionInfo | null>; isAgent: (author: { name: string | null; email: string | null }, pusher: { username: string | null; name: string | null }) => boolean },
): Promise<PushCorrelation> {
  const b = obj(body);
  const project = obj(b.project);
  const projectId = str(b.project_id) ?? str(project.id);
  const projectPath = str(project.path_with_namespace);
  const ref = str(b.ref);
  const pusher = { username: str(b.user_username), name: str(b.user_name) };
  const commits = Array.isArray(b.commits) ? b.commits.map(obj) : [];
  const total = typeof b.total_commits_count === 'number' ? b.total_commits_count : commits.length;
  const events: NewEvent[] = [];
  const add = (type: EventName, sessionId: string | null, sha: string, key: string, data: Obj) =>
    events.push({
      eventId: deterministicUuid(`gitlab_webhook:push:${projectId ?? projectPath}:${sha}:${key}`),
      type, sessionId, occurredAt: receivedAt, source: 'gitlab_webhook', sourceType: 'Push Hook', sourceId: sha,
      projectPath, username: null, data,
    });
  for (const c of commits) {
    const sha = str(c.id);
    if (sha === null) continue;
    const author = { name: str(obj(c.author).name), email: str(obj(c.author).email) };
    const commit = { sha, ref, web_url: str(c.url), committed_at: str(c.timestamp), author: { name: author.name }, project: { id: projectId, path: projectPath } };
    let linked = false;
    for (const r of sessionReferences(str(c.message) ?? '')) {
      const session = r.sessionId === null ? null : await lookup.session(r.sessionId);
      const sameProject = session !== null && (session.projectId === projectId || (projectPath !== null && session.projectPath === projectPath));
      if (session !== null && sameProject) {
        linked = true;
        add('duo_flow_resource_linked', r.sessionId, sha, `link:${r.sessionId}`, { resource_type: 'Commit', resource_id: sha, link_method: 'trailer', trailer: r.key, web_url: commit.web_url, project: commit.project, ref });
      } else {
        const reason = r.sessionId === null ? 'the trailer does not name a session' : session === null ? 'no such session' : 'the session belongs to another project';
        add('duo_flow_unknown_session_reference', null, sha, `unknown:${r.reference}`, { reference: r.reference, referenced_session_id: r.sessionId, reason, trailer: r.key, commit });
      }
    }
    if (!linked && lookup.isAgent(author, pusher)) {
      add('duo_flow_untraced_agent_commit', null, sha, 'untraced', { ...commit, reason: 'an agent account authored this commit without a valid session trailer' });
    }
  }
  return { events, commitsSeen: commits.length, commitsMissing: Math.max(0, total - commits.length) };
}
