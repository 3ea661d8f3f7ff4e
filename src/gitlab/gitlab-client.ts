import { Gitlab } from '@gitbeaker/core';
import { createRequesterFn, type RequestOptions } from '@gitbeaker/requester-utils';
import { GitlabError } from './gitlab-error.js';

export interface GitlabClientOptions {
  url: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface GitlabCommit {
  id: string;
  message: string;
  title: string;
  authoredDate: string | null;
  authorName: string | null;
  authorEmail: string | null;
  webUrl: string | null;
}

export interface GitlabWorkflow {
  sessionId: string;
  status: string;
  workflowDefinition: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface GitlabNote {
  id: number;
  body: string;
}

/** An issue as flowtrail keeps it: its number in the project, its page, and its description (to check a marker). */
export interface GitlabIssue {
  iid: number;
  webUrl: string;
  description: string;
}

/** A GitLab account as flowtrail compares it: the numeric id (as a string) and the username. */
export interface GitlabUser {
  id: string;
  username: string;
}

export interface GitlabClient {
  /**
   * The account FLOWTRAIL_GITLAB_TOKEN belongs to (`GET /user`): flowtrail's own
   * bot. Asked once and kept; a failed lookup is not kept, so the next call asks again.
   */
  currentUser(): Promise<GitlabUser>;
  /** A project's Duo sessions updated since a moment (GraphQL duoWorkflowWorkflows, all pages). */
  workflowsUpdatedSince(projectPath: string, since: Date): Promise<GitlabWorkflow[]>;
  mergeRequestDescription(projectId: string, iid: string): Promise<string>;
  setMergeRequestDescription(projectId: string, iid: string, description: string): Promise<void>;
  /** Every note of a merge request (all pages): its id and body. */
  mergeRequestNotes(projectId: string, iid: string): Promise<GitlabNote[]>;
  /** Posts a note; answers the id GitLab gave it. */
  createMergeRequestNote(projectId: string, iid: string, body: string): Promise<number>;
  /** A session's activity as GitLab keeps it for 30 days (`trace.jsonl`, NDJSON); '' when there is none. */
  workflowTrace(sessionId: string): Promise<string>;
  /** Every commit in `before..after` (a push's new commits; `before` may be a branch name), all pages; with `before` null, every commit `after` reaches. */
  commitsBetween(projectId: string, before: string | null, after: string): Promise<GitlabCommit[]>;
  /** A user's effective access level on a project (inherited memberships included); null when not a member. */
  memberAccessLevel(projectId: string, userId: string): Promise<number | null>;
  /** Opens an issue; answers its iid and page. */
  createIssue(projectId: string, issue: { title: string; description: string; labels: readonly string[] }): Promise<GitlabIssue>;
  /** The project's issues (open or closed) whose description contains `text` (GitLab's search; the caller checks the match). */
  issuesWithText(projectId: string, text: string): Promise<GitlabIssue[]>;
}

const toIssue = (method: string, path: string, i: { iid?: unknown; web_url?: unknown; description?: unknown }): GitlabIssue => {
  if (typeof i.iid !== 'number' || typeof i.web_url !== 'string') throw new GitlabError(method, path, 200, 'the answer has no issue iid and web_url');
  return { iid: i.iid, webUrl: i.web_url, description: typeof i.description === 'string' ? i.description : '' };
};

/** The default bound of one GitLab call, answer body included. */
export const GITLAB_TIMEOUT_MS = 10_000;

/** Seconds a Retry-After header asks for (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const n = Number(header);
  if (Number.isFinite(n)) return n > 0 ? n : null;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(1, Math.ceil((at - now) / 1000));
}

/** What went wrong with a call that got no answer, in words: a timeout, or the connection's own error. */
function networkFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `the connection failed (${err instanceof Error ? err.message : String(err)}${cause})`;
}

/**
 * A thin wrapper over @gitbeaker/core with our own request handler: fetch is
 * injected (probot's way), every call (answer body included) has a timeout,
 * and nothing is retried here. A failure becomes a GitlabError that says what
 * happened (the status and GitLab's message, a timeout, a dropped connection);
 * retries, with backoff and Retry-After, are the job table's, so a GitLab
 * outage never blocks a request or holds a worker longer than the timeout.
 */
export function createGitlabClient(o: GitlabClientOptions): GitlabClient {
  const timeoutMs = o.timeoutMs ?? GITLAB_TIMEOUT_MS;
  // Resolved per call, so a fetch patched after the client was made (msw in tests) is the one used.
  const doFetch: typeof fetch = (input, init) => (o.fetch ?? globalThis.fetch)(input, init);
  /** Reads an answer's body, turning a timeout or a connection dropped halfway into a GitlabError. */
  const read = async <T>(method: string, url: URL, p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (err instanceof GitlabError) throw err;
      throw new GitlabError(method, url.pathname, null, networkFailure(err, timeoutMs), { cause: err });
    }
  };
  const send = async (url: URL, method: string, headers: Record<string, string> | undefined, body?: string): Promise<Response> => {
    const res = await read(method, url, doFetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) }));
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = text.slice(0, 200);
      if (type === 'application/json') {
        try {
          const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
          message = String(parsed.message ?? parsed.error ?? message);
        } catch {
          // keep the text
        }
      }
      const retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
      throw new GitlabError(method, url.pathname, res.status, `${message || res.statusText || 'no message'}${retryAfter === null ? '' : ` (asked to wait ${retryAfter} s)`}`, { retryAfter });
    }
    return res;
  };
  const handler = async (endpoint: string, options?: Record<string, unknown>) => {
    const opts = (options ?? {}) as RequestOptions;
    const base = opts.prefixUrl === undefined ? undefined : opts.prefixUrl.endsWith('/') ? opts.prefixUrl : `${opts.prefixUrl}/`;
    const url = new URL(endpoint, base);
    url.search = opts.searchParams ?? '';
    const method = opts.method ?? 'GET';
    const res = await send(url, method, opts.headers, opts.body as string | undefined);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const body: unknown = res.status === 204 ? null : await read<unknown>(method, url, type === 'application/json' ? res.json() : res.text());
    return { body: body as Record<string, unknown>, headers: Object.fromEntries(res.headers.entries()), status: res.status };
  };
  const api = new Gitlab({ host: o.url, token: o.token, requesterFn: createRequesterFn((_, reqo) => Promise.resolve(reqo), handler) });
  const graphql = async (query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const url = new URL(`${o.url.replace(/\/+$/, '')}/api/graphql`);
    const res = await send(url, 'POST', { 'PRIVATE-TOKEN': o.token, 'content-type': 'application/json' }, JSON.stringify({ query, variables }));
    const body = (await read('POST', url, res.json())) as { data?: Record<string, unknown>; errors?: { message?: string }[] };
    if (body.errors !== undefined && body.errors.length > 0) throw new GitlabError('POST', url.pathname, res.status, body.errors.map((e) => e.message ?? 'error').join('; '));
    return body.data ?? {};
  };
  let me: Promise<GitlabUser> | undefined;
  return {
    currentUser() {
      me ??= (async () => {
        const u = (await api.Users.showCurrentUser()) as unknown as { id?: unknown; username?: unknown };
        if (typeof u.id !== 'number' || typeof u.username !== 'string') throw new GitlabError('GET', '/api/v4/user', 200, 'the answer has no id and username');
        return { id: String(u.id), username: u.username };
      })();
      me.catch(() => {
        me = undefined;
      });
      return me;
    },
    async workflowsUpdatedSince(projectPath, since) {
      const out: GitlabWorkflow[] = [];
      let after: string | null = null;
      for (let page = 0; page < 100; page++) {
        const data = await graphql(
          'query($path: ID!, $since: Time, $after: String) { project(fullPath: $path) { duoWorkflowWorkflows(first: 100, after: $after, updatedAfter: $since) { pageInfo { hasNextPage endCursor } nodes { id status workflowDefinition createdAt updatedAt } } } }',
          { path: projectPath, since: since.toISOString(), after },
        );
        const conn = (data.project as { duoWorkflowWorkflows?: { pageInfo?: { hasNextPage?: boolean; endCursor?: string | null }; nodes?: Record<string, unknown>[] } } | null)?.duoWorkflowWorkflows;
        for (const n of conn?.nodes ?? []) {
          const id = /(\d+)$/.exec(String(n.id ?? ''))?.[1];
          if (id === undefined) continue;
          out.push({
            sessionId: id, status: String(n.status ?? '').toLowerCase(),
            workflowDefinition: typeof n.workflowDefinition === 'string' ? n.workflowDefinition : null,
            createdAt: typeof n.createdAt === 'string' ? n.createdAt : null, updatedAt: typeof n.updatedAt === 'string' ? n.updatedAt : null,
          });
        }
        if (conn?.pageInfo?.hasNextPage !== true || !conn.pageInfo.endCursor) break;
        after = conn.pageInfo.endCursor;
      }
      return out;
    },
    async mergeRequestDescription(projectId, iid) {
      const mr = (await api.MergeRequests.show(projectId, Number(iid))) as unknown as { description?: unknown };
      return typeof mr.description === 'string' ? mr.description : '';
    },
    async setMergeRequestDescription(projectId, iid, description) {
      await api.MergeRequests.edit(projectId, Number(iid), { description });
    },
    async mergeRequestNotes(projectId, iid) {
      const notes = (await api.MergeRequestNotes.all(projectId, Number(iid), { perPage: 100 })) as unknown as { id?: unknown; body?: unknown }[];
      return notes.map((n) => ({ id: Number(n.id), body: typeof n.body === 'string' ? n.body : '' }));
    },
    async createMergeRequestNote(projectId, iid, body) {
      const note = (await api.MergeRequestNotes.create(projectId, Number(iid), body)) as unknown as { id?: unknown };
      if (typeof note.id !== 'number') throw new GitlabError('POST', `/api/v4/projects/${projectId}/merge_requests/${iid}/notes`, 201, 'the answer has no note id');
      return note.id;
    },
    async workflowTrace(sessionId) {
      const url = new URL(`${o.url.replace(/\/+$/, '')}/api/v4/ai/duo_workflows/workflows/${encodeURIComponent(sessionId)}/trace.jsonl`);
      const res = await send(url, 'GET', { 'PRIVATE-TOKEN': o.token });
      return res.status === 204 ? '' : read('GET', url, res.text());
    },
    async commitsBetween(projectId, before, after) {
      const commits = (await api.Commits.all(projectId, { refName: before === null ? after : `${before}..${after}`, perPage: 100 })) as unknown as Record<string, unknown>[];
      return commits.map((c) => ({
        id: String(c.id),
        message: String(c.message ?? ''),
        title: String(c.title ?? ''),
        authoredDate: typeof c.authored_date === 'string' ? c.authored_date : null,
        authorName: typeof c.author_name === 'string' ? c.author_name : null,
        authorEmail: typeof c.author_email === 'string' ? c.author_email : null,
        webUrl: typeof c.web_url === 'string' ? c.web_url : null,
      }));
    },
    async memberAccessLevel(projectId, userId) {
      try {
        const m = (await api.ProjectMembers.show(projectId, Number(userId), { includeInherited: true })) as unknown as { access_level?: unknown };
        return typeof m.access_level === 'number' ? m.access_level : null;
      } catch (err) {
        if (err instanceof GitlabError && err.httpStatus === 404) return null;
        throw err;
      }
    },
    async createIssue(projectId, issue) {
      const created = (await api.Issues.create(projectId, issue.title, { description: issue.description, labels: issue.labels.join(',') })) as unknown as Record<string, unknown>;
      return toIssue('POST', `/api/v4/projects/${projectId}/issues`, created);
    },
    async issuesWithText(projectId, text) {
      const found = (await api.Issues.all({ projectId, search: text, in: 'description', scope: 'all', perPage: 100, maxPages: 1 })) as unknown as Record<string, unknown>[];
      return found.map((i) => toIssue('GET', `/api/v4/projects/${projectId}/issues`, i));
    },
  };
}
