import { randomUUID } from 'node:crypto';
import { deterministicUuid, marker, type GitlabClient } from '../gitlab/index.js';
import type { Integrator } from '../log/index.js';
import {
  claimMergeRequest, confirmWriteBack, deferJob, markFooterRemoved, readWriteBacks, releaseMergeRequestClaim, renewMergeRequestClaim, startWriteBack, writtenSessions,
  type Sql, type WriteBackRow,
} from '../store/index.js';
import type { JobHandler } from './job-runner.js';

export const WRITE_BACK_JOB = 'write_back_merge_request';

/** A footer restored less than this long ago is not restored again when removed (no edit war); the removal is audited either way. */
export const RESTORE_INTERVAL_MS = 10 * 60 * 1000;
/**
 * How long a claim on a merge request lasts unless renewed. It is renewed
 * before every write, and each GitLab call is bounded by the client's timeout
 * (10 s), so a live holder keeps it with 20 s to spare; a dead one's lapses
 * after this, as its job's lease does, so the retaken job finds the merge
 * request free (a longer claim held write-back up for minutes after a crash).
 */
export const CLAIM_SECONDS = 30;
/** A job that finds the merge request claimed by another worker is queued again about this much later. */
export const BUSY_DELAY_MS = 2_000;

/** The line footer and note share: the session, linked to its page in flowtrail. */
const sessionLine = (sessionId: string, publicUrl: string) =>
  `Created by Duo Agent Platform flow session [${sessionId}](${publicUrl}/-/duo/sessions/${encodeURIComponent(sessionId)})`;

export function footerFor(sessionId: string, publicUrl: string): string {
  return `${marker(sessionId)}\n${sessionLine(sessionId, publicUrl)}`;
}

export function noteFor(sessionId: string, publicUrl: string): string {
  return `${sessionLine(sessionId, publicUrl)}\n\n${marker(sessionId)}`;
}

interface WriteBackDeps {
  sql: Sql;
  integrator: Integrator;
  gitlab: GitlabClient | null;
  publicUrl: string;
  random?: () => number;
}

/**
 * Writes the session footer into an agent MR's description and posts one
 * session note per session, once each, however many workers in however many
 * processes run write-back jobs for the same merge request at once:
 *
 * - One worker at a time per merge request: a claim row taken in one
 *   statement (merge_request_claims); a job that finds it taken is queued
 *   again shortly. No transaction is held open while GitLab is called.
 * - flowtrail's record (write_backs) says what it wrote. A write is recorded
 *   as 'writing' before it is sent and 'written' after; a row found 'writing'
 *   (the worker died, or GitLab's answer was lost) makes the next attempt read
 *   GitLab again and write only when the marker is not there.
 * - A footer the record says was written and that is gone is a removal,
 *   whatever the delivery carried: restored (unless it was restored less than
 *   RESTORE_INTERVAL_MS ago; then the removal stands) and audited as
 *   duo_flow_footer_restored with an id derived from the row and the
 *   generation removed, so each removal is audited exactly once.
 */
export function createWriteBackHandler(deps: WriteBackDeps): JobHandler {
  return async (payload, job) => {
    const gitlab = deps.gitlab;
    if (gitlab === null) return 'not written: FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN are not set';
    const projectId = String(payload.project_id);
    const iid = String(payload.iid);
    const holder = `job ${job.id} ${randomUUID()}`;
    if (!(await claimMergeRequest(deps.sql, projectId, iid, holder, CLAIM_SECONDS))) {
      const next = await deferJob(deps.sql, WRITE_BACK_JOB, payload, BUSY_DELAY_MS * (0.5 + (deps.random ?? Math.random)()));
      return `another worker is writing back to merge request !${iid}; queued again as job ${next}`;
    }
    try {
      return await writeBack({ ...deps, gitlab }, projectId, iid, payload, holder);
    } finally {
      await releaseMergeRequestClaim(deps.sql, projectId, iid, holder);
    }
  };
}

async function writeBack(deps: WriteBackDeps & { gitlab: GitlabClient }, projectId: string, iid: string, payload: Record<string, unknown>, holder: string): Promise<string> {
  const { sql, gitlab } = deps;
  const fromDelivery = Array.isArray(payload.session_ids) ? payload.session_ids.map(String) : [];
  const sessions = [...new Set([...fromDelivery, ...(await writtenSessions(sql, projectId, iid))])];
  const stillHeld = async () => {
    if (!(await renewMergeRequestClaim(sql, projectId, iid, holder, CLAIM_SECONDS))) {
      throw new Error(`lost the claim on merge request !${iid} of project ${projectId} (held past ${CLAIM_SECONDS} s); nothing written, retried`);
    }
  };
  const record = new Map((await readWriteBacks(sql, projectId, iid, RESTORE_INTERVAL_MS / 1000)).map((r) => [`${r.kind}:${r.sessionId}`, r]));
  const audit = (row: WriteBackRow, restored: boolean) => deps.integrator.append([{
    eventId: deterministicUuid(`footer_restored:${projectId}:${iid}:${row.sessionId}:${row.id}:${row.generation}`),
    type: 'duo_flow_footer_restored', sessionId: row.sessionId, occurredAt: new Date().toISOString(), source: 'system',
    data: { merge_request_iid: iid, project_id: projectId, restored, ...(restored ? {} : { reason: 'rate-limited', detail: 'restored less than 10 minutes ago; the removal stands' }) },
  }]);
  const done: string[] = [];

  // Footers: compare the record with the description GitLab has now.
  const description = await gitlab.mergeRequestDescription(projectId, iid);
  const toWrite: WriteBackRow[] = [];
  for (const s of sessions) {
    const present = description.includes(marker(s));
    const row = record.get(`footer:${s}`) ?? (await startWriteBack(sql, projectId, iid, s, 'footer'));
    if (row.state === 'writing') {
      // A restore in flight: its removal's event is appended again (the same id, so at most once).
      if (row.generation >= 1) await audit(row, true);
      if (present) await confirmWriteBack(sql, row.id, 'writing');
      else toWrite.push(row);
    } else if (row.state === 'written' && !present) {
      const held = row.generation >= 2 && row.recentlyWritten;
      if (!(await markFooterRemoved(sql, row.id, row.generation, held ? 'removed' : 'writing'))) throw new Error(`the write-back record of merge request !${iid} changed while it was claimed`);
      await audit(row, !held);
      if (held) done.push(`removal of footer ${s} audited, restore rate-limited`);
      else toWrite.push(row);
    } else if (row.state === 'removed') {
      // A person put the footer back: it is flowtrail's again, and a later removal is a new one.
      if (present) await confirmWriteBack(sql, row.id, 'removed');
      else await audit(row, false);
    }
  }
  if (toWrite.length > 0) {
    await stillHeld();
    const footer = toWrite.map((r) => footerFor(r.sessionId, deps.publicUrl)).join('\n');
    await gitlab.setMergeRequestDescription(projectId, iid, `${description.replace(/\s+$/, '')}\n\n${footer}`);
    for (const r of toWrite) await confirmWriteBack(sql, r.id, 'writing');
    done.push(`footer ${toWrite.map((r) => r.sessionId).join(', ')}${toWrite.some((r) => r.generation >= 1) ? ' (restored)' : ''}`);
  }

  // Notes: one per session, never posted again once the record says written.
  const unwritten = sessions.filter((s) => record.get(`note:${s}`)?.state !== 'written');
  if (unwritten.length > 0) {
    const rows = [];
    for (const s of unwritten) rows.push(await startWriteBack(sql, projectId, iid, s, 'note'));
    const notes = await gitlab.mergeRequestNotes(projectId, iid);
    for (const row of rows) {
      if (row.state !== 'writing') continue;
      const found = notes.find((n) => n.body.includes(marker(row.sessionId)));
      if (found !== undefined) {
        await confirmWriteBack(sql, row.id, 'writing', found.id);
        continue;
      }
      await stillHeld();
      const id = await gitlab.createMergeRequestNote(projectId, iid, noteFor(row.sessionId, deps.publicUrl));
      await confirmWriteBack(sql, row.id, 'writing', id);
      done.push(`note ${row.sessionId}`);
    }
  }
  return done.length === 0 ? 'nothing to write: footer and notes present' : `wrote ${done.join('; ')}`;
}
