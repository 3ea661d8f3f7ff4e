import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { requestPushCheck, ServiceRefusal } from './check-request.js';
import type { PushCheckRequest, UncheckedPush } from './push-check.js';

/** The spool directory cannot be trusted: the hook neither reads nor writes it. */
export class SpoolRefused extends Error {
  constructor(dir: string, why: string) {
    super(`the spool directory ${dir} is refused: ${why}`);
    this.name = 'SpoolRefused';
  }
}

/**
 * Creates the spool directory (0700, parents too) if it is missing, and
 * refuses it unless it is a real directory (not a symbolic link) of this
 * hook's user that nobody else may enter, inside a parent nobody else may
 * swap it out of. A directory another local user planted could feed the hook
 * forged reports to record, or read the pushes it keeps. Returns the path.
 */
export async function openSpool(dir: string | undefined): Promise<string> {
  if (dir === undefined) throw new SpoolRefused('(none)', "this user has no home directory; set FLOWTRAIL_HOOK_SPOOL_DIR to a directory of the hook's user");
  if (!isAbsolute(dir)) throw new SpoolRefused(dir, 'it is not an absolute path');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const uid = process.getuid?.();
  const s = await lstat(dir);
  if (s.isSymbolicLink()) throw new SpoolRefused(dir, 'it is a symbolic link; name the real directory');
  if (!s.isDirectory()) throw new SpoolRefused(dir, 'it is not a directory');
  if (uid !== undefined && s.uid !== uid) throw new SpoolRefused(dir, `it is owned by uid ${s.uid}, not by this hook's user (uid ${uid}); remove it or name another`);
  if ((s.mode & 0o077) !== 0) throw new SpoolRefused(dir, `it has mode ${octal(s.mode)}, so others may read it or plant reports in it; it must be 0700 (chmod 700, after checking what it holds)`);
  const parent = await stat(dirname(dir));
  if (uid !== undefined && parent.uid !== uid && parent.uid !== 0) throw new SpoolRefused(dir, `its parent ${dirname(dir)} is owned by uid ${parent.uid}, who could replace it`);
  if ((parent.mode & 0o022) !== 0 && (parent.mode & 0o1000) === 0) throw new SpoolRefused(dir, `its parent ${dirname(dir)} (mode ${octal(parent.mode)}) is writable by others without the sticky bit, so it could be replaced`);
  return dir;
}

/**
 * Keeps a decision the hook made without the service (FLOWTRAIL_HOOK_ON_ERROR),
 * so that it is reported once the service answers again: an audit trail must
 * not lose a push because it was down when it happened. `dir` comes from
 * openSpool. Files are created exclusively, never through a symbolic link,
 * 0600; they hold what the push check would have sent.
 */
export async function spoolUnchecked(dir: string, report: PushCheckRequest & { unchecked: UncheckedPush }): Promise<void> {
  const file = await open(join(dir, `${report.unchecked.decided_at.replace(/[:.]/g, '-')}-${report.unchecked.report_id}.json`), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await file.writeFile(JSON.stringify(report));
  } finally {
    await file.close();
  }
}

/** The `unchecked` part of a report: a push decided without the service, as it happens now. */
export function uncheckedReport(reason: string, accepted: boolean): UncheckedPush {
  return { report_id: randomUUID(), reason: reason.slice(0, 2000), decided_at: new Date().toISOString(), accepted };
}

/** Sends up to `max` spooled reports, oldest first; each is deleted once the service has recorded it. Returns how many were sent. */
export async function flushSpool(dir: string, hook: { url?: string; token?: string; timeoutMs: number }, max = 20): Promise<number> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort().slice(0, max);
  let sent = 0;
  for (const name of names) {
    const path = join(dir, name);
    const report = await readReport(path);
    if (report === null) continue; // being written by another push, or not a file of ours: left for an administrator
    try {
      await requestPushCheck(hook, report);
    } catch (e) {
      // A report the service refuses as such would block every later one: set it aside for an administrator.
      if (e instanceof ServiceRefusal && e.status >= 400 && e.status < 500 && ![401, 403, 408, 429].includes(e.status)) {
        await rename(path, `${path}.refused`).catch(unlessMissing);
        continue;
      }
      return sent; // the service is away again: keep the rest for later
    }
    // Another push may have sent and removed it meanwhile (the service records a report once).
    await unlink(path).catch(unlessMissing);
    sent += 1;
  }
  return sent;
}

/** A spooled report: a regular file of this user, read without following a link; null if it is not one or not complete JSON yet. */
async function readReport(path: string): Promise<PushCheckRequest | null> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ELOOP' || e.code === 'ENOENT') return null;
    throw e;
  });
  if (file === null) return null;
  try {
    const s = await file.stat();
    const uid = process.getuid?.();
    if (!s.isFile() || (uid !== undefined && s.uid !== uid)) return null;
    const text = await file.readFile('utf8');
    return JSON.parse(text) as PushCheckRequest;
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  } finally {
    await file.close();
  }
}

function unlessMissing(e: NodeJS.ErrnoException): void {
  if (e.code !== 'ENOENT') throw e;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
