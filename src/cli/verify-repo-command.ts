import type { Config } from '../config.js';
import { projectPathFromUrl, requestPushCheck, ServiceRefusal, walkRepository, type PushCheckResult } from '../hooks/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { count, createProgress } from './progress.js';

export const verifyRepoUsage = `Usage: flowtrail verify-repo PATH [--since REV] [--all] [--project GROUP/PROJECT] [--json]

Walks a repository's history (from HEAD, or every branch and tag with --all;
only commits not reachable from --since REV) and asks the service
(FLOWTRAIL_URL, FLOWTRAIL_TOKEN) about them in a dry run, which the service
records as duo_flow_push_dry_run but decides nothing by: agent commits
without a session trailer, trailers naming unknown sessions or sessions of
another project, sessions that had ended by the commit's (pusher-written)
committer date, and how many commits each session made. The project is
--project, else the repository's gitlab.fullpath config (which GitLab writes
into each repository on a Gitaly node), else GL_PROJECT_PATH, else read from
the "origin" remote's URL.
On a terminal, one line on stderr shows the progress (commits read, then the wait for the service); piped or redirected, nothing.
Exit status: 0 no findings, 1 findings, 2 usage or configuration error.`;

export async function verifyRepoCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { since: { type: 'string' }, all: { type: 'boolean' }, project: { type: 'string' }, json: { type: 'boolean' } }, 1);
  if (values.help === true) {
    out(verifyRepoUsage);
    return 0;
  }
  const path = positionals[0];
  if (path === undefined) throw new UsageError(`PATH is required\n${verifyRepoUsage}`);
  if (config.hook.url === undefined || config.hook.token === undefined) throw new UsageError('set FLOWTRAIL_URL and FLOWTRAIL_TOKEN (an ingest or admin token) to ask the service about sessions');
  // On a terminal, one line on stderr: the commits read, then the wait for the service's answer.
  let asking = false;
  const progress = createProgress((n, _t, sec) => asking ? `asking the service about ${count(n)} commits (${sec} s)` : `read ${count(n)} commits (${sec} s)`);
  let walk;
  try {
    walk = await walkRepository(path, { since: values.since, all: values.all, onCommit: (n) => progress.update(n) });
  } catch (e) {
    progress.end();
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  asking = true;
  progress.update(walk.commits.length);
  const project = values.project ?? walk.gitlabFullPath ?? process.env.GL_PROJECT_PATH ?? (walk.originUrl === null ? null : projectPathFromUrl(walk.originUrl));
  if (project === null || project === '') {
    progress.end();
    throw new UsageError('the project is unknown: pass --project GROUP/PROJECT');
  }
  let result;
  try {
    result = await requestPushCheck(config.hook, {
      project_path: project, protocol: null, username: null, gl_id: null, gl_repository: null,
      mode: 'enforce', refs: [], commits: walk.commits, dry_run: true, references: 'all',
    });
  } catch (e) {
    progress.end();
    // A refused token is a configuration error (exit 2), not a finding.
    if (e instanceof ServiceRefusal && (e.status === 401 || e.status === 403)) throw new UsageError(e.message);
    throw e;
  }
  progress.end();
  if (values.json === true) out(JSON.stringify({ path, project, ...summary(result) }, null, 2));
  else printReport(out, path, project, result);
  return result.findings.length === 0 ? 0 : 1;
}

function summary(r: PushCheckResult) {
  return { commits: r.commits, agent_commits: r.agent_commits, sessions: r.sessions, findings: r.findings };
}

function printReport(out: (s: string) => void, path: string, project: string, r: PushCheckResult): void {
  out(`${path} (${project}): ${r.commits} commits, ${r.agent_commits} by agent accounts, ${r.findings.length} finding(s)`);
  const sessions = Object.entries(r.sessions).sort((a, b) => b[1] - a[1]);
  if (sessions.length > 0) {
    out('commits per session:');
    for (const [id, n] of sessions) out(`  ${id}  ${n}`);
  }
  for (const f of r.findings) out(`${f.short_sha}  ${f.code}  ${f.reason}`);
}
