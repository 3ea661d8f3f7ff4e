import { sessionReferences } from '../trailers/index.js';
import type { PushedCommit, RefUpdate } from './push-check.js';
import { isNullId } from './read-updates.js';
import { runGit } from './run-git.js';

// Fields split by NUL; with -z each commit ends with NUL as well.
const FORMAT = '--format=%H%x00%h%x00%an%x00%ae%x00%cn%x00%ce%x00%cI%x00%B';
const FIELDS = 8;

/**
 * The commits a push brings that the repository does not have yet:
 * `git log <new>... --not --all`, which under git's quarantine compares with
 * the refs as they were before the push. Deletions bring none; a new branch
 * pointing at known commits brings none; a force push brings only its
 * rewritten commits. One git process for all refs.
 */
export async function readNewCommits(updates: readonly RefUpdate[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<PushedCommit[]> {
  const tips = [...new Set(updates.filter((u) => !isNullId(u.new)).map((u) => u.new))];
  if (tips.length === 0) return [];
  // Branches hold commits; tags and other refs may point at tags of trees or
  // blobs, which have no history: peel those and keep the commits.
  const branchTips = updates.filter((u) => !isNullId(u.new) && u.ref.startsWith('refs/heads/')).map((u) => u.new);
  const others = tips.filter((t) => !branchTips.includes(t));
  const peeled = others.length === 0 ? '' : await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { ...opts, input: others.map((t) => `${t}^{}`).join('\n') + '\n' });
  const commitTips = [...new Set([...branchTips, ...peeled.split('\n').filter((l) => l.endsWith(' commit')).map((l) => l.split(' ')[0]!)])];
  if (commitTips.length === 0) return [];
  // --stdin revisions are positive; --not --all on the command line excludes what the repository already has.
  const out = await runGit(['log', '-z', FORMAT, '--stdin', '--not', '--all'], { ...opts, input: commitTips.join('\n') + '\n' });
  return parseLog(out);
}

/** Reads `git log -z` output in FORMAT (also used by the benchmarks and verify-repo's tests). */
export function parseLog(out: string): PushedCommit[] {
  const parts = out.split('\0');
  const commits: PushedCommit[] = [];
  for (let i = 0; i + FIELDS <= parts.length; i += FIELDS) {
    const [sha, short, name, email, committerName, committerEmail, date, message] = parts.slice(i, i + FIELDS) as [string, string, string, string, string, string, string, string];
    commits.push({
      sha: sha.replace(/^\n/, ''),
      short_sha: short,
      author_name: name,
      author_email: email,
      committer_name: committerName,
      committer_email: committerEmail,
      committed_at: date,
      references: sessionReferences(message).map((r) => ({ key: r.key, reference: r.reference, session_id: r.sessionId })),
    });
  }
  return commits;
}
