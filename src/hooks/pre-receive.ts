import { ConfigError, loadConfig, type Config } from '../config.js';
import { requestPushCheck } from './check-request.js';
import { readNewCommits } from './read-new-commits.js';
import type { PushCheckRequest } from './push-check.js';
import { readUpdates } from './read-updates.js';
import { flushSpool, openSpool, spoolUnchecked, uncheckedReport } from './spool.js';

export interface HookIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** What the pusher sees: git relays the hook's output as "remote:" lines, GitLab shows the GL-HOOK-ERR ones. */
  print: (line: string) => void;
}

type Request = Omit<PushCheckRequest, 'unchecked'>;

/**
 * The pre-receive hook (docs/hooks.md). Reads the ref updates, lists the
 * commits new to the repository with git, and asks the service once whether
 * the agent commits among them are traced. Who pushes comes from Gitaly's
 * GL_USERNAME and GL_ID, never from the commits. Exit 1 refuses the whole push.
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
  // Checked before anything is read from it or written to it.
  let spool: string | null = null;
  let spoolProblem: string | null = null;
  try {
    spool = await openSpool(config.hook.spoolDir);
  } catch (e) {
    spoolProblem = messageOf(e);
  }
  let req: Request | null = null;
  try {
    const project = io.env.GL_PROJECT_PATH;
    if (project === undefined || project === '') throw new Error('GL_PROJECT_PATH is not set (GitLab sets it for server hooks)');
    const refs = readUpdates(stdin);
    req = {
      project_path: project,
      protocol: nonEmpty(io.env.GL_PROTOCOL),
      username: nonEmpty(io.env.GL_USERNAME),
      gl_id: nonEmpty(io.env.GL_ID),
      gl_repository: nonEmpty(io.env.GL_REPOSITORY),
      mode,
      refs,
      commits: [],
    };
    req.commits = await readNewCommits(refs, { cwd: io.cwd, env: io.env });
    if (spoolProblem !== null) {
      await recordAlone(io, config, req, spoolProblem, onError === 'allow', null);
      return cannotCheck(io, spoolProblem, onError);
    }
    if (req.username === null && req.gl_id === null) {
      const why = 'GL_USERNAME and GL_ID are not set (Gitaly sets them for server hooks), so flowtrail cannot tell whether an agent account pushes';
      if (config.hook.unknownPusher === 'reject') {
        await recordAlone(io, config, req, why, mode === 'warn', spool);
        if (mode === 'warn') {
          io.print(`flowtrail: cannot tell who pushes: ${why}; FLOWTRAIL_HOOK_MODE=warn: the push is accepted (with enforce, FLOWTRAIL_HOOK_UNKNOWN_PUSHER=reject would refuse it)`);
          return 0;
        }
        io.print(`GL-HOOK-ERR: flowtrail cannot tell who pushes: ${why}; FLOWTRAIL_HOOK_UNKNOWN_PUSHER=reject refuses the push. On a plain git server, set GL_USERNAME per pusher or FLOWTRAIL_HOOK_UNKNOWN_PUSHER=authors`);
        return 1;
      }
      io.print('flowtrail: GL_USERNAME and GL_ID are not set: the pusher is unknown; FLOWTRAIL_HOOK_UNKNOWN_PUSHER=authors judges the commits by their authors and committers only');
    }
    const result = await requestPushCheck(config.hook, req);
    // The service answers again: report what was decided without it meanwhile.
    await flushSpool(spool!, config.hook).catch((e: unknown) => io.print(`flowtrail: could not report the pushes kept in ${spool}: ${messageOf(e)}`));
    for (const f of result.findings) io.print(`GL-HOOK-ERR: ${f.short_sha}: ${f.reason}`);
    if (result.decision === 'accepted') return 0;
    if (mode === 'warn') {
      io.print(`flowtrail: FLOWTRAIL_HOOK_MODE=warn: the push is accepted; with enforce it would be refused for the ${result.findings.length} finding(s) above`);
      return 0;
    }
    return 1;
  } catch (e) {
    const reason = messageOf(e);
    if (req !== null && spool !== null) {
      await spoolUnchecked(spool, { ...req, unchecked: uncheckedReport(reason, onError === 'allow') }).catch((err: unknown) => {
        io.print(`flowtrail: could not keep this decision for a later report in ${spool}: ${messageOf(err)}`);
      });
    }
    return cannotCheck(io, spoolProblem === null ? reason : `${reason}; ${spoolProblem}`, onError);
  }
}

/**
 * A push the hook decides without asking the service for a decision (a
 * setting says so): recorded at once as unchecked, else kept in the spool
 * for a later report, else the pusher and Gitaly's log are told.
 */
async function recordAlone(io: HookIo, config: Config, req: Request, reason: string, accepted: boolean, spool: string | null): Promise<void> {
  const report = { ...req, unchecked: uncheckedReport(reason, accepted) };
  try {
    await requestPushCheck(config.hook, report);
  } catch (e) {
    if (spool === null) {
      io.print(`flowtrail: this decision could not be recorded (${messageOf(e)})`);
      return;
    }
    await spoolUnchecked(spool, report).catch((err: unknown) => {
      io.print(`flowtrail: could not keep this decision for a later report in ${spool}: ${messageOf(err)}`);
    });
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

const nonEmpty = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
