// Is a commit author an agent service account? By the configured username
// patterns (FLOWTRAIL_AGENT_USERNAMES), by the accounts learned from sessions,
// or because the agent pushed it under its own name. Emails in stored
// deliveries are redacted, so names and usernames carry the decision.

export interface AgentDirectory {
  patterns: readonly string[];
  /** Usernames, display names and commit emails of agent accounts seen in sessions. */
  known: readonly { username: string | null; name: string | null; email?: string | null }[];
}

export function globToRegExp(glob: string): RegExp {
  const body = glob.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\-]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

/** "AI Developer - acme-platform" → "ai-developer-acme-platform", to compare display names with username patterns. */
const slug = (s: string) => s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export function createAgentMatcher(dir: AgentDirectory): (author: { name?: string | null; email?: string | null }, pusher?: { username?: string | null; name?: string | null }) => boolean {
  const patterns = dir.patterns.map(globToRegExp);
  const matchesPattern = (s: string | null | undefined) => s != null && s !== '' && patterns.some((p) => p.test(s) || p.test(slug(s)));
  const lower = (xs: (string | null | undefined)[]) => new Set(xs.filter((x): x is string => x != null && x !== '').map((x) => x.toLowerCase()));
  const knownNames = lower(dir.known.flatMap((k) => [k.name, k.username]));
  const knownEmails = lower(dir.known.map((k) => k.email));
  return (author, pusher) => {
    const name = author.name ?? null;
    const local = author.email?.includes('@') === true ? author.email.split('@')[0]! : null;
    if (matchesPattern(name) || matchesPattern(local)) return true;
    if (name !== null && knownNames.has(name.toLowerCase())) return true;
    if (author.email != null && knownEmails.has(author.email.toLowerCase())) return true;
    // Pushed by an agent account under the agent's own name.
    return pusher !== undefined && (matchesPattern(pusher.username) || (pusher.username != null && knownNames.has(pusher.username.toLowerCase())))
      && name !== null && pusher.name != null && name === pusher.name;
  };
}
