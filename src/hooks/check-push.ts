// The service's decision on a push (SPEC Git hooks): an agent commit needs a
// session trailer naming a session that exists, belongs to the pushed project
// and had not ended before the commit was made. Human commits pass, and so do
// web operations (merges, squashes, suggestions) made by a person.
import type { Finding, PushCheckRequest, PushCheckResult, PushedCommit } from './push-check.js';

export interface KnownSession {
  sessionId: string;
  projectPath: string | null;
  endedAt: Date | null;
}

export interface PushCheckLookup {
  /** The sessions among these ids that exist. */
  sessions: (ids: string[]) => Promise<Map<string, KnownSession>>;
  isAgent: (author: { name: string | null; email: string | null }, pusher: { username: string | null; name: string | null }) => boolean;
}

const FIX = 'add "X-GitLab-Duo-Session: <session id>" as a trailer (`flowtrail hook commit-msg` does it), amend the commit and push again';

export async function checkPush(req: PushCheckRequest, lookup: PushCheckLookup): Promise<Omit<PushCheckResult, 'event_id'>> {
  const pusher = { username: req.username, name: null };
  const webByPerson = req.protocol === 'web' && !lookup.isAgent({ name: req.username, email: null }, pusher);
  const agentCommits = new Set(webByPerson ? [] : req.commits.filter((c) => lookup.isAgent({ name: c.author_name, email: c.author_email }, pusher)));
  const examined = req.references === 'all' ? req.commits.filter((c) => agentCommits.has(c) || c.references.length > 0) : [...agentCommits];
  const ids = [...new Set(examined.flatMap((c) => c.references.map((r) => r.session_id)).filter((id): id is string => id !== null))];
  const known = ids.length === 0 ? new Map<string, KnownSession>() : await lookup.sessions(ids);
  const findings: Finding[] = [];
  const sessions: Record<string, number> = {};
  for (const c of examined) {
    const problems = commitFindings(c, agentCommits.has(c), req.project_path, known);
    findings.push(...problems);
    if (problems.length === 0) {
      for (const id of new Set(c.references.map((r) => r.session_id!))) sessions[id] = (sessions[id] ?? 0) + 1;
    }
  }
  return {
    decision: findings.length === 0 ? 'accepted' : 'rejected',
    mode: req.mode,
    commits: req.commits.length,
    agent_commits: agentCommits.size,
    sessions,
    findings,
  };
}

/** Every reference must hold; a forged one beside a valid one still refuses an agent commit. */
function commitFindings(c: PushedCommit, byAgent: boolean, projectPath: string, known: Map<string, KnownSession>): Finding[] {
  const at = { sha: c.sha, short_sha: c.short_sha };
  if (c.references.length === 0) {
    if (!byAgent) return [];
    return [{ ...at, code: 'untraced', reason: `commit by agent account "${c.author_name}" has no session trailer; ${FIX}` }];
  }
  const out: Finding[] = [];
  for (const r of c.references) {
    if (r.session_id === null) {
      out.push({ ...at, code: 'no_session_named', reason: `the ${r.key} trailer names no session; ${FIX}` });
      continue;
    }
    const s = known.get(r.session_id);
    const session_id = r.session_id;
    if (s === undefined) {
      out.push({ ...at, session_id, code: 'unknown_session', reason: `session ${session_id} (${r.key} trailer) is not known to flowtrail; name the session the agent ran in` });
    } else if (s.projectPath !== projectPath) {
      out.push({ ...at, session_id, code: 'foreign_session', reason: `session ${session_id} belongs to another project, not ${projectPath}; name a session of this project` });
    } else if (s.endedAt !== null && s.endedAt.getTime() < Date.parse(c.committed_at)) {
      out.push({ ...at, session_id, code: 'session_ended', reason: `session ${session_id} ended at ${s.endedAt.toISOString()}, before this commit (committed ${c.committed_at}); commit within a running session` });
    }
  }
  return out;
}
