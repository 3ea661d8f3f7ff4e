import { readFile } from 'node:fs/promises';
import { parseTrailers } from '../trailers/index.js';
import { SESSION_ID_PATTERN } from '../session-id.js';
import { runGit } from './run-git.js';

export const SESSION_TRAILER = 'X-GitLab-Duo-Session';

/**
 * The commit-msg hook: adds `X-GitLab-Duo-Session: <id>` for the session in
 * FLOWTRAIL_SESSION_ID, else DUO_WORKFLOW_WORKFLOW_ID (set in DAP's CI
 * workload). git places it (`git interpret-trailers`: its own trailer rules,
 * comment character and separators), beside the trailers already there.
 * Idempotent; a message without content, or no session, is left alone.
 */
export async function commitMsg(file: string, io: { env: NodeJS.ProcessEnv; cwd: string; print: (line: string) => void }): Promise<number> {
  const session = (io.env.FLOWTRAIL_SESSION_ID ?? '').trim() || (io.env.DUO_WORKFLOW_WORKFLOW_ID ?? '').trim();
  if (session === '') return 0;
  if (!SESSION_ID_PATTERN.test(session)) {
    io.print(`flowtrail commit-msg: "${session.slice(0, 64)}" is not a session id (1-128 of A-Z a-z 0-9 . _ : -); the commit is stopped so that it is not made untraced`);
    return 1;
  }
  const message = await readFile(file, 'utf8');
  // An empty message makes git abort the commit; a trailer alone would let it through.
  const content = message.split('\n').filter((l) => !l.startsWith('#') && l.trim() !== '');
  if (content.length === 0) return 0;
  if (parseTrailers(message).some((t) => t.key.toLowerCase() === SESSION_TRAILER.toLowerCase() && t.value === session)) return 0;
  await runGit(['interpret-trailers', '--in-place', '--where', 'end', '--if-exists', 'addIfDifferent', '--if-missing', 'add', '--trailer', `${SESSION_TRAILER}: ${session}`, file], { cwd: io.cwd, env: io.env });
  return 0;
}
