import { globToRegExp } from './agent-identity.js';

export interface AgentPusherDirectory {
  /** FLOWTRAIL_AGENT_USERNAMES */
  patterns: readonly string[];
  /** Agent accounts learned from GitLab's events: GitLab user id and username. */
  known: readonly { userId: string; username: string | null }[];
}

/**
 * Is the pusher an agent account? Judged from what Gitaly sets for server
 * hooks, which the pusher cannot write: GL_USERNAME against the username
 * patterns and the known agent usernames, and GL_ID (`user-<id>`) against the
 * known agent accounts' GitLab user ids, so a renamed account is still known.
 */
export function createAgentPusherMatcher(dir: AgentPusherDirectory): (pusher: { username: string | null; glId: string | null }) => boolean {
  const patterns = dir.patterns.map(globToRegExp);
  const usernames = new Set(dir.known.map((k) => k.username?.toLowerCase()).filter((u): u is string => u !== undefined && u !== ''));
  const userIds = new Set(dir.known.map((k) => k.userId));
  return ({ username, glId }) => {
    if (username !== null && username !== '' && (patterns.some((p) => p.test(username)) || usernames.has(username.toLowerCase()))) return true;
    const id = glId === null ? null : /^user-(\d+)$/.exec(glId)?.[1] ?? null;
    return id !== null && userIds.has(id);
  };
}
