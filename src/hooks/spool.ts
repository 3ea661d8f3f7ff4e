import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestPushCheck, ServiceRefusal } from './check-request.js';
import type { PushCheckRequest } from './push-check.js';

/** FLOWTRAIL_HOOK_SPOOL_DIR, else a directory of this user's in the system's temp dir. */
export function spoolDirOf(configured: string | undefined): string {
  return configured ?? join(tmpdir(), `flowtrail-hook-spool-${process.getuid?.() ?? 'user'}`);
}

/**
 * Keeps a decision the hook made without the service (FLOWTRAIL_HOOK_ON_ERROR),
 * so that it is reported once the service answers again: an audit trail must
 * not lose a push because it was down when it happened. Files are 0600 in a
 * 0700 directory; they hold what the push check would have sent.
 */
export async function spoolUnchecked(dir: string, req: Omit<PushCheckRequest, 'unchecked'>, reason: string, accepted: boolean): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const report: PushCheckRequest = { ...req, unchecked: { report_id: randomUUID(), reason: reason.slice(0, 2000), decided_at: new Date().toISOString(), accepted } };
  await writeFile(join(dir, `${report.unchecked!.decided_at.replace(/[:.]/g, '-')}-${report.unchecked!.report_id}.json`), JSON.stringify(report), { mode: 0o600, flag: 'wx' });
}

/** Sends up to `max` spooled reports, oldest first; each is deleted once the service has recorded it. Returns how many were sent. */
export async function flushSpool(dir: string, hook: { url?: string; token?: string; timeoutMs: number }, max = 20): Promise<number> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort().slice(0, max);
  let sent = 0;
  for (const name of names) {
    const path = join(dir, name);
    let report: PushCheckRequest;
    try {
      report = JSON.parse(await readFile(path, 'utf8')) as PushCheckRequest;
    } catch {
      continue; // being written by another push, or unreadable: left for an administrator
    }
    try {
      await requestPushCheck(hook, report);
    } catch (e) {
      // A report the service refuses as such would block every later one: set it aside for an administrator.
      if (e instanceof ServiceRefusal && e.status >= 400 && e.status < 500 && ![401, 403, 408, 429].includes(e.status)) {
        await rename(path, `${path}.refused`).catch(() => undefined);
        continue;
      }
      return sent; // the service is away again: keep the rest for later
    }
    await unlink(path).catch(() => undefined);
    sent += 1;
  }
  return sent;
}
