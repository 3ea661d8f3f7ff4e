// Pushes through the pre-receive hook: a real `git push` into a bare
// repository with the hook installed by `flowtrail hooks install`, as Gitaly
// runs it (GL_* variables of an agent account), each time against a random
// live replica. A push the hook refused because it could not check (the
// replica died under it) is pushed again, as the agent would.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOWTRAIL_BIN } from './paths.js';
import type { Ledger, Sender } from './sender.js';
import { AGENT, PROJECT } from './traffic.js';

interface Run {
  code: number;
  stderr: string;
}

const run = (file: string, args: string[], cwd: string | undefined, env: Record<string, string>): Promise<Run> =>
  new Promise((resolve) => {
    // A push waits at most 60 s (the hook itself gives up on the service after 10).
    execFile(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024, timeout: 60_000, killSignal: 'SIGKILL' }, (err, _stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1, stderr });
    });
  });

async function mustRun(file: string, args: string[], cwd: string | undefined, env: Record<string, string>): Promise<void> {
  const r = await run(file, args, cwd, env);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
}

export interface PushRepo {
  /** One agent commit naming `sessionId`, pushed to a new branch until the hook accepts it. */
  push(n: number, sessionId: string, deadline: () => number): Promise<void>;
  root: string;
}

export async function createPushRepo(sender: Sender, ledger: Ledger, ingestToken: string): Promise<PushRepo> {
  const root = mkdtempSync(join(tmpdir(), 'flowtrail-chaos-git-'));
  const home = join(root, 'home');
  const spool = join(root, 'spool');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(spool, { mode: 0o700 });
  const bare = join(root, 'server.git');
  const clone = join(root, 'clone');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: AGENT.name, GIT_AUTHOR_EMAIL: `${AGENT.username}@noreply.gitlab.example.test`,
    GIT_COMMITTER_NAME: AGENT.name, GIT_COMMITTER_EMAIL: `${AGENT.username}@noreply.gitlab.example.test`,
  };
  await mustRun('git', ['init', '-q', '--bare', '-b', 'main', bare], undefined, env);
  await mustRun('git', ['init', '-q', '-b', 'main', clone], undefined, env);
  await mustRun('git', ['remote', 'add', 'origin', bare], clone, env);
  await mustRun(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', bare], undefined, env);
  const hookEnv = (url: string): Record<string, string> => ({
    ...env, FLOWTRAIL_URL: url, FLOWTRAIL_TOKEN: ingestToken, FLOWTRAIL_HOOK_SPOOL_DIR: spool, FLOWTRAIL_HOOK_TIMEOUT_SECONDS: '10',
    GL_USERNAME: AGENT.username, GL_ID: `user-${AGENT.id}`, GL_PROTOCOL: 'ssh', GL_PROJECT_PATH: PROJECT.path, GL_REPOSITORY: `project-${PROJECT.id}`,
  });
  return {
    root,
    async push(n, sessionId, deadline) {
      await mustRun('git', ['commit', '-q', '--allow-empty', '-m', `chore: chaos push ${n}\n\nX-GitLab-Duo-Session: ${sessionId}`], clone, env);
      const branch = `refs/heads/chaos-push-${n}`;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) {
          if (Date.now() > deadline()) {
            ledger.unacknowledged.push(`push ${branch}`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 200 * Math.min(attempt, 5)));
        }
        const replica = await sender.pick();
        ledger.pushAttempts++;
        const r = await run('git', ['push', '-q', 'origin', `HEAD:${branch}`], clone, hookEnv(replica.url));
        if (r.code === 0) {
          ledger.pushes.push(branch);
          return;
        }
        // Refused because the hook could not check (the replica died under it): push again. Any other refusal is a failure.
        if (!/could not check/i.test(r.stderr)) {
          ledger.failures.push(`push ${branch} refused: ${r.stderr.trim().slice(0, 300)}`);
          return;
        }
      }
    },
  };
}
