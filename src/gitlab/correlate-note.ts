// A note written by an agent account belongs to the session that account was
// running on the project when the note was made (docs/gitlab-setup.md).
import type { NewEvent } from '../events.js';
import { deterministicUuid } from './deterministic-uuid.js';
import { obj, str } from './payload.js';


/** GitLab's webhook timestamps read "2026-03-10 15:03:12 UTC". */
export function parseGitlabTime(s: string | null): Date | null {
  if (s === null) return null;
  const d = new Date(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/.test(s) ? `${s.slice(0, 10)}T${s.slice(11, 19)}Z` : s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export async function correlateNote(
  body: unknown,
  lookup: {
    isAgent: (author: { name: string | null; email: string | null }, pusher: { username: string | null; name: string | null }) => boolean;
    runningSession: (agentId: string, project: string, at: Date) => Promise<string | null>;
  },
): Promise<{ event: NewEvent | null; reason: string }> {
  const b = obj(body);
  const user = obj(b.user);
  const note = obj(b.object_attributes);
  const project = obj(b.project);
  const noteId = str(note.id);
  const at = parseGitlabTime(str(note.created_at));
  const userId = str(user.id);
  const projectId = str(b.project_id) ?? str(project.id);
  if (noteId === null || at === null || userId === null || projectId === null) return { event: null, reason: 'not a note event with an author, a time and a project' };
  if (note.system === true) return { event: null, reason: 'a system note' };
  const author = { username: str(user.username), name: str(user.name) };
  if (!lookup.isAgent({ name: author.name, email: null }, author)) return { event: null, reason: 'written by a person' };
  const sessionId = await lookup.runningSession(userId, projectId, at);
  if (sessionId === null) return { event: null, reason: 'no session of this agent account was running on the project then' };
  return {
    reason: 'linked',
    event: {
      eventId: deterministicUuid(`gitlab_webhook:note:${projectId}:${noteId}`),
      type: 'duo_flow_resource_linked', sessionId, occurredAt: at.toISOString(), source: 'gitlab_webhook', sourceType: 'Note Hook', sourceId: noteId,
      projectPath: str(project.path_with_namespace), username: null,
      data: {
        resource_type: 'Note', resource_id: noteId, link_method: 'agent_note', web_url: str(note.url),
        noteable_type: str(note.noteable_type), merge_request_iid: str(obj(b.merge_request).iid),
        project: { id: projectId, path: str(project.path_with_namespace) }, author,
      },
    },
  };
}
