import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withoutCredentials, type Witness } from './checkpoint-witness.js';
import { writeCheckpointFiles } from './dir-witness.js';

const BRANCH = 'main';
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/|^[^/\s]+@[^/\s]+:/i;

/**
 * A git witness: each checkpoint a file `<12-digit size>.checkpoint` committed to branch main of a
 * repository, local (a bare repository, created when the path does not exist) or remote (any URL
 * git can push to, with the credentials git itself finds). flowtrail keeps a working clone in
 * FLOWTRAIL_DATA_DIR/witnesses/; every delivery fetches, starts from the remote's main, adds the
 * new files in one commit and pushes. A push refused because another writer moved main is
 * retried from the top, and a file already there with another note is refused as a fork.
 */
export function createGitWitness(remote: string, dataDir: string): Witness {
  const target = URL_LIKE.test(remote) ? remote : resolve(remote);
  const shown = withoutCredentials(target);
  const clone = join(dataDir, 'witnesses', `git-${createHash('sha256').update(target).digest('hex').slice(0, 16)}`);
  const git = (args: string[], cwd = clone) => runGit(args, cwd, target, shown);
  return {
    name: `git:${shown}`,
    async deliver(checkpoints) {
      if (!existsSync(join(clone, '.git'))) {
        if (target === resolve(remote) && !existsSync(target)) await runGit(['init', '--quiet', '--bare', `--initial-branch=${BRANCH}`, target], dataDir, target, shown);
        await mkdir(join(dataDir, 'witnesses'), { recursive: true });
        await git(['clone', '--quiet', target, clone], dataDir);
        await git(['symbolic-ref', 'HEAD', `refs/heads/${BRANCH}`]);
      }
      await git(['fetch', '--quiet', 'origin']);
      const remoteHasMain = await git(['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${BRANCH}`]).then(() => true, () => false);
      if (remoteHasMain) await git(['reset', '--quiet', '--hard', `origin/${BRANCH}`]);
      const written = await writeCheckpointFiles(clone, checkpoints);
      if (written.length === 0) return;
      const sizes = checkpoints.map((c) => c.treeSize);
      const message = sizes.length === 1 ? `checkpoint ${sizes[0]}` : `checkpoints ${sizes[0]} to ${sizes[sizes.length - 1]} (${written.length} new)`;
      await git(['add', '--', ...written]);
      await git(['-c', 'user.name=flowtrail', '-c', 'user.email=flowtrail@localhost', '-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-m', message]);
      await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${BRANCH}`]);
    },
  };
}

/** Runs git without a terminal prompt; its error names the remote without credentials. */
function runGit(args: string[], cwd: string, target: string, shown: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err === null) return done(stdout);
      const detail = (stderr.trim().split('\n').pop() ?? err.message).split(target).join(shown);
      fail(new Error(`git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} failed for ${shown}: ${detail}`));
    });
  });
}
