// The contract between the git hooks and the service's check endpoint
// (POST /api/v1/push-checks): what a hook reports about a push, and what the
// service decides. Plain types only, so the hooks load nothing else.

/** One `<old> <new> <ref>` line of pre-receive's standard input. */
export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

export interface SessionReference {
  /** The trailer key as written. */
  key: string;
  /** The trailer value as written. */
  reference: string;
  /** The session it names, or null when the value names none. */
  session_id: string | null;
}

/** A commit new to the repository, as the hook read it with git. */
export interface PushedCommit {
  sha: string;
  /** git's unique abbreviation, for the messages the pusher reads. */
  short_sha: string;
  author_name: string;
  author_email: string;
  /** Absent from hooks older than the committer check (then only the author is judged). */
  committer_name?: string;
  committer_email?: string;
  /** The committer date, RFC 3339: the pusher writes it, so only verify-repo's dry runs judge by it. */
  committed_at: string;
  references: SessionReference[];
}

export interface PushCheckRequest {
  /** GL_PROJECT_PATH */
  project_path: string;
  /** GL_PROTOCOL: http, ssh or web */
  protocol: string | null;
  /** GL_USERNAME: who pushes (for web operations, who clicked) */
  username: string | null;
  /** GL_ID: user-N or key-N */
  gl_id: string | null;
  /** GL_REPOSITORY: project-N, wiki-N, ... */
  gl_repository: string | null;
  mode: 'enforce' | 'warn';
  refs: RefUpdate[];
  commits: PushedCommit[];
  /** A question without a push (verify-repo): recorded as duo_flow_push_dry_run, never as a decision. */
  dry_run?: boolean;
  /** `all`: also check the trailers of human commits (verify-repo); the hook checks agent commits only. */
  references?: 'agent' | 'all';
  /** A push the hook decided on its own (the service was unreachable), reported later: recorded, not checked. */
  unchecked?: UncheckedPush;
}

export interface UncheckedPush {
  /** Idempotency key of the report (the audit event's id). */
  report_id: string;
  /** Why the hook could not ask the service. */
  reason: string;
  /** When the hook decided, RFC 3339. */
  decided_at: string;
  /** What FLOWTRAIL_HOOK_ON_ERROR decided. */
  accepted: boolean;
}

export type FindingCode = 'untraced' | 'no_session_named' | 'unknown_session' | 'foreign_session' | 'session_ended' | 'other_agent';

export interface Finding {
  sha: string;
  short_sha: string;
  code: FindingCode;
  /** One line for the pusher: what is wrong and how to fix it. */
  reason: string;
  session_id?: string;
}

export interface PushCheckResult {
  decision: 'accepted' | 'rejected';
  mode: 'enforce' | 'warn';
  commits: number;
  agent_commits: number;
  /** Valid session references per session id. */
  sessions: Record<string, number>;
  findings: Finding[];
  /** The audit event that records the decision (or the dry run). */
  event_id?: string;
}
