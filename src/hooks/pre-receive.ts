import { ConfigError, loadConfig, type Config } from '../config.js';
import { requestPushCheck } from './check-request.js';
import { readNewCommits } from './read-new-commits.js';
import type { PushCheckRequest } from './push-check.js';
import { readUpdates } from './read-updates.js';
import { flushSpool, spoolDirOf, spoolUnchecked } from './spool.js';

export interface HookIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** What the pusher sees: git relays the hook's output as "remote:" lines, GitLab shows the GL-HOOK-ERR ones. */
  print: (line: string) => void;
}

/**
 * The pre-receive hook (SPEC Git hooks). Reads the ref updates, lists the
 * commits new to the repository with git, and asks the service once whether
 * the agent commits among them are traced. Exit 1 refuses the whole push.
 */
export async function preReceive(stdin: string, io: HookIo): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // The fail policy itself may be the one valid setting.
    return cannotCheck(io, e.message, io.env.FLOWTRAIL_HOOK_ON_ERROR?.trim() === 'allow' ? 'allow' : 'reject');
  }
  const { mode, onError } = config.hook;
  if (mode === 'off') return 0;
  const spool = spoolDirOf(config.hook.spoolDir);
  let req: Omit<PushCheckRequest, 'unchecked'> | null = null;
  try {
    const project = io.env.GL_PROJECT_PATH;
    if (project === undefined || project === '') throw new Error('GL_PROJECT_PATH is not set (GitLab sets it for server hooks)');
    const refs = readUpdates(stdin);
    req = {
      project_path: project,
      protocol: io.env.GL_PROTOCOL ?? null,
      username: io.env.GL_USERNAME ?? null,
      gl_id: io.env.GL_ID ?? null,
      gl_repository: io.env.GL_REPOSITORY ?? null,
      mode,
      refs,
      commits: [],
    };
    req.commits = await readNewCommits(refs, { cwd: io.cwd, env: io.env });
    const result = await requestPushCheck(config.hook, req);
    // The service answers again: report what was decided without it meanwhile.
    await flushSpool(spool, config.hook);
    for (const f of result.findings) io.print(`GL-HOOK-ERR: ${f.short_sha}: ${f.reason}`);
    if (result.decision === 'accepted') return 0;
    if (mode === 'warn') {
      io.print(`flowtrail: FLOWTRAIL_HOOK_MODE=warn: the push is accepted; with enforce it would be refused for the ${result.findings.length} finding(s) above`);
      return 0;
    }
    return 1;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    if (req !== null) {
      await spoolUnchecked(spool, req, reason, onError === 'allow').catch((err: unknown) => {
        io.print(`flowtrail: could not keep this decision for a later report in ${spool}: ${err instanceof Error ? err.message : String(err)}`);
      });
    }
    return cannotCheck(io, reason, onError);
  }
}

function cannotCheck(io: HookIo, reason: string, onError: 'reject' | 'allow'): number {
  const why = reason.replace(/\s+/g, ' ');
  if (onError === 'allow') {
    io.print(`flowtrail: could not check this push (${why}); FLOWTRAIL_HOOK_ON_ERROR=allow lets it pass unchecked`);
    return 0;
  }
  io.print(`GL-HOOK-ERR: flowtrail could not check this push (${why}); FLOWTRAIL_HOOK_ON_ERROR=reject refuses it. Push again later, or ask an administrator`);
  return 1;
}
