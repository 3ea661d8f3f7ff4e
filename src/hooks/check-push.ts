// The service's decision on a push (docs/hooks.md): an agent commit needs a
// session trailer naming a session that exists, belongs to the pushed project
// and had not ended when the push arrived (an OTLP session: had ended at most
// an hour before, the commit made inside it). A commit is an agent's when an
// agent account pushes it (GL_USERNAME / GL_ID, set by Gitaly, not by the
// pusher), authored it or committed it. Human commits pass, and so do web
// operations (merges, squashes, suggestions) made by a person.
import type { Finding, PushCheckRequest, PushCheckResult, PushedCommit } from './push-check.js';

export interface KnownSession {
  sessionId: string;
  projectPath: string | null;
  endedAt: Date | null;
  startedAt?: Date | null;
  /** `otlp` for a session from OpenTelemetry spans (see otlpPushAllowed). */
  source?: string;
  /** The agent that ran the session (its agent.username): for an OTLP session, whose identities may name it. */
  agentUsername?: string | null;
}

/** How long after an OTLP session's end its agent's commits may still be pushed. */
export const OTLP_PUSH_GRACE_MS = 60 * 60 * 1000;
const CLOCK_SKEW_MS = 60 * 1000;

/**
 * An OTLP session reaches flowtrail when its session span ends (an exporter
 * sends a span at its end), so an agent's push normally arrives after that
 * end. It passes within OTLP_PUSH_GRACE_MS of the end when the commit was
 * made inside the session (its committer date between start and end, a
 * minute's clock skew allowed).
 */
function otlpPushAllowed(s: KnownSession, c: PushedCommit, at: { time: number }): boolean {
  if (s.source !== 'otlp' || s.endedAt == null || s.startedAt == null) return false;
  const committed = Date.parse(c.committed_at);
  return at.time - s.endedAt.getTime() <= OTLP_PUSH_GRACE_MS
    && committed >= s.startedAt.getTime() - CLOCK_SKEW_MS && committed <= s.endedAt.getTime() + CLOCK_SKEW_MS;
}

export interface PushCheckLookup {
  /** The sessions among these ids that exist. */
  sessions: (ids: string[]) => Promise<Map<string, KnownSession>>;
  /** Is this commit identity (an author or a committer) an agent account? */
  isAgent: (identity: { name: string | null; email: string | null }) => boolean;
  /** Is the pusher, as Gitaly names it, an agent account? */
  isAgentPusher: (pusher: { username: string | null; glId: string | null }) => boolean;
  /** The service's clock when the check arrived: a push after its session ended is refused, whatever dates the commits carry. */
  now: Date;
  /**
   * FLOWTRAIL_OTLP_AGENT_IDENTITIES: for an OTLP agent with identities configured, whether a commit
   * (its author or committer) or the pusher is one of them; null when none are configured for it.
   */
  otlpAgentIdentity?: (agent: string) => ((who: { name: string | null; email: string | null } | { username: string | null }) => boolean) | null;
}

const FIX = 'add "X-GitLab-Duo-Session: <session id>" as a trailer (`flowtrail hook commit-msg` does it), amend the commit and push again';

/** Why a commit counts as an agent's, for the pusher's message; null for a human commit. */
type AgentReason = string | null;

export async function checkPush(req: PushCheckRequest, lookup: PushCheckLookup): Promise<Omit<PushCheckResult, 'event_id'>> {
  const pusherIsAgent = lookup.isAgentPusher({ username: req.username, glId: req.gl_id });
  const webByPerson = req.protocol === 'web' && !pusherIsAgent;
  const agentReasons = new Map<PushedCommit, string>();
  if (!webByPerson) {
    for (const c of req.commits) {
      const why = agentReason(c, pusherIsAgent ? req.username ?? req.gl_id : null, lookup);
      if (why !== null) agentReasons.set(c, why);
    }
  }
  const examined = req.references === 'all' ? req.commits.filter((c) => agentReasons.has(c) || c.references.length > 0) : [...agentReasons.keys()];
  const ids = [...new Set(examined.flatMap((c) => c.references.map((r) => r.session_id)).filter((id): id is string => id !== null))];
  const known = ids.length === 0 ? new Map<string, KnownSession>() : await lookup.sessions(ids);
  const findings: Finding[] = [];
  const sessions: Record<string, number> = {};
  // A dry run audits history long after the pushes: only there is the committer date the measure.
  const judgeAt = (c: PushedCommit) => (req.dry_run === true ? { time: Date.parse(c.committed_at), what: `this commit (committed ${c.committed_at})` } : { time: lookup.now.getTime(), what: `this push arrived (${lookup.now.toISOString()})` });
  const pusher = { username: req.username };
  for (const c of examined) {
    const problems = commitFindings(c, agentReasons.get(c) ?? null, req.project_path, known, judgeAt(c));
    if (problems.length === 0) problems.push(...otherAgentFindings(c, known, lookup, pusherIsAgent ? pusher : null));
    findings.push(...problems);
    if (problems.length === 0) {
      for (const id of new Set(c.references.map((r) => r.session_id!))) sessions[id] = (sessions[id] ?? 0) + 1;
    }
  }
  return {
    decision: findings.length === 0 ? 'accepted' : 'rejected',
    mode: req.mode,
    commits: req.commits.length,
    agent_commits: agentReasons.size,
    sessions,
    findings,
  };
}

function agentReason(c: PushedCommit, agentPusher: string | null, lookup: PushCheckLookup): AgentReason {
  if (lookup.isAgent({ name: c.author_name, email: c.author_email })) return `commit by agent account "${c.author_name}"`;
  if (c.committer_name !== undefined && lookup.isAgent({ name: c.committer_name, email: c.committer_email ?? null })) return `commit committed by agent account "${c.committer_name}"`;
  if (agentPusher !== null) return `commit pushed by agent account "${agentPusher}"`;
  return null;
}

/**
 * An OTLP session's trailer binds the commit to that agent: when identities are configured for the
 * session's agent (FLOWTRAIL_OTLP_AGENT_IDENTITIES), the commit's author or committer, or the agent
 * account pushing it, must be one of them. Another agent cannot borrow the session's name.
 */
function otherAgentFindings(c: PushedCommit, known: Map<string, KnownSession>, lookup: PushCheckLookup, agentPusher: { username: string | null } | null): Finding[] {
  const out: Finding[] = [];
  for (const id of new Set(c.references.map((r) => r.session_id).filter((x): x is string => x !== null))) {
    const s = known.get(id);
    if (s?.source !== 'otlp' || s.agentUsername == null) continue;
    const isIdentity = lookup.otlpAgentIdentity?.(s.agentUsername) ?? null;
    if (isIdentity === null) continue;
    const committer = c.committer_name === undefined ? null : { name: c.committer_name, email: c.committer_email ?? null };
    if (isIdentity({ name: c.author_name, email: c.author_email }) || (committer !== null && isIdentity(committer)) || (agentPusher !== null && isIdentity(agentPusher))) continue;
    out.push({
      sha: c.sha, short_sha: c.short_sha, session_id: id, code: 'other_agent',
      reason: `session ${id} was run by the agent "${s.agentUsername}", and neither the author "${c.author_name}" nor the committer nor the pusher is an identity configured for it (FLOWTRAIL_OTLP_AGENT_IDENTITIES); name a session of the agent that made the commit`,
    });
  }
  return out;
}

/** Every reference must hold; a forged one beside a valid one still refuses an agent commit. */
function commitFindings(c: PushedCommit, byAgent: AgentReason, projectPath: string, known: Map<string, KnownSession>, at: { time: number; what: string }): Finding[] {
  const sha = { sha: c.sha, short_sha: c.short_sha };
  if (c.references.length === 0) {
    if (byAgent === null) return [];
    return [{ ...sha, code: 'untraced', reason: `${byAgent} has no session trailer; ${FIX}` }];
  }
  const out: Finding[] = [];
  for (const r of c.references) {
    if (r.session_id === null) {
      out.push({ ...sha, code: 'no_session_named', reason: `the ${r.key} trailer names no session; ${FIX}` });
      continue;
    }
    const s = known.get(r.session_id);
    const session_id = r.session_id;
    if (s === undefined) {
      out.push({ ...sha, session_id, code: 'unknown_session', reason: `session ${session_id} (${r.key} trailer) is not known to flowtrail; name the session the agent ran in` });
    } else if (s.projectPath !== projectPath) {
      out.push({ ...sha, session_id, code: 'foreign_session', reason: `session ${session_id} belongs to another project, not ${projectPath}; name a session of this project` });
    } else if (s.endedAt !== null && s.endedAt.getTime() < at.time && !otlpPushAllowed(s, c, at)) {
      out.push({ ...sha, session_id, code: 'session_ended', reason: `session ${session_id} ended at ${s.endedAt.toISOString()}, before ${at.what}; commit and push within a running session` });
    }
  }
  return out;
}
