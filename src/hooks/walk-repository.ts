import fs from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { sessionReferences } from '../trailers/index.js';
import type { PushedCommit } from './push-check.js';

export interface RepositoryWalk {
  gitdir: string;
  commits: PushedCommit[];
  /** The remote "origin" URL, from which a project path can be read. */
  originUrl: string | null;
  /** The project path GitLab writes into each repository it stores (`[gitlab] fullpath`, on a Gitaly node). */
  gitlabFullPath: string | null;
}

/**
 * Every commit reachable from the tips (HEAD, or all branches and tags) and
 * not from `since`, read with isomorphic-git (no git binary needed where an
 * auditor runs this). Works on bare repositories and work trees.
 */
export async function walkRepository(path: string, options: { since?: string; all?: boolean; onCommit?: (read: number) => void } = {}): Promise<RepositoryWalk> {
  const gitdir = fs.existsSync(join(path, 'HEAD')) && fs.existsSync(join(path, 'objects')) ? path : join(path, '.git');
  if (!fs.existsSync(join(gitdir, 'objects'))) throw new Error(`${path} is not a git repository`);
  const format = await git.getConfig({ fs, gitdir, path: 'extensions.objectformat' }).catch(() => undefined);
  if (typeof format === 'string' && format.toLowerCase() !== 'sha1') throw new Error(`${path} uses ${format} object ids, which isomorphic-git cannot read; the pre-receive hook (git itself) checks such repositories`);
  const cache = {};
  const resolve = async (rev: string) => {
    if (/^[0-9a-f]{4,40}$/.test(rev)) {
      try {
        return await git.expandOid({ fs, gitdir, oid: rev, cache });
      } catch {
        // not an abbreviation: maybe a ref named like one
      }
    }
    return git.resolveRef({ fs, gitdir, ref: rev }).catch(() => {
      throw new Error(`unknown revision "${rev}"`);
    });
  };
  const tips = options.all === true
    ? [...(await git.listBranches({ fs, gitdir })).map((b) => `refs/heads/${b}`), ...(await git.listTags({ fs, gitdir })).map((t) => `refs/tags/${t}`)]
    : ['HEAD'];
  const seen = new Set<string>();
  const walk = async (starts: string[], visit: (oid: string, c: git.ReadCommitResult) => void) => {
    const queue = [...starts];
    while (queue.length > 0) {
      const oid = queue.pop()!;
      if (seen.has(oid)) continue;
      seen.add(oid);
      let c: git.ReadCommitResult;
      try {
        c = await git.readCommit({ fs, gitdir, oid, cache });
      } catch (e) {
        // A tag of a tree or blob has no history; anything else unreadable is an error, never a silent gap.
        if ((e as { code?: string }).code === 'ObjectTypeError') continue;
        throw new Error(`cannot read commit ${oid}: ${e instanceof Error ? e.message : String(e)}`);
      }
      visit(c.oid, c);
      queue.push(...c.commit.parent);
    }
  };
  if (options.since !== undefined) await walk([await resolve(options.since)], () => undefined);
  const starts = (await Promise.all(tips.map((t) => git.resolveRef({ fs, gitdir, ref: t }).catch(() => null)))).filter((x): x is string => x !== null);
  const commits: PushedCommit[] = [];
  await walk(starts, (oid, { commit }) => {
    options.onCommit?.(commits.length + 1);
    commits.push({
      sha: oid,
      short_sha: oid.slice(0, 8),
      author_name: commit.author.name,
      author_email: commit.author.email,
      committer_name: commit.committer.name,
      committer_email: commit.committer.email,
      committed_at: isoDate(commit.committer.timestamp, commit.committer.timezoneOffset),
      references: sessionReferences(commit.message).map((r) => ({ key: r.key, reference: r.reference, session_id: r.sessionId })),
    });
  });
  const readString = (path: string) => git.getConfig({ fs, gitdir, path }).then((v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null), () => null);
  const originUrl = await readString('remote.origin.url');
  const gitlabFullPath = await readString('gitlab.fullpath');
  return { gitdir, commits, originUrl, gitlabFullPath };
}

/** git's timestamp and offset (minutes, west positive as isomorphic-git gives it) as RFC 3339. */
function isoDate(seconds: number, offsetMinutes: number): string {
  const east = -offsetMinutes;
  const local = new Date((seconds + east * 60) * 1000).toISOString().replace(/\.000Z$/, '');
  const sign = east < 0 ? '-' : '+';
  const abs = Math.abs(east);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "git@host:group/sub/project.git" or "https://host/group/project.git" → "group/sub/project". */
export function projectPathFromUrl(url: string): string | null {
  const m = /^[^@/]+@[^:]+:(.+?)(\.git)?\/?$/.exec(url) ?? /^[a-z+]+:\/\/[^/]+\/(.+?)(\.git)?\/?$/.exec(url);
  return m?.[1] ?? null;
}
