import { deterministicUuid, marker, type GitlabClient } from '../gitlab/index.js';
import type { Integrator } from '../log/index.js';
import { recentRestore, type Sql } from '../store/index.js';
import type { JobHandler } from './job-runner.js';

export const WRITE_BACK_JOB = 'write_back_merge_request';

export function footerFor(sessionId: string, publicUrl: string): string {
  return `${marker(sessionId)}\nCreated by Duo Agent Platform flow session [${sessionId}](${publicUrl}/-/duo/sessions/${encodeURIComponent(sessionId)})`;
}

/**
 * Writes the session footer into an agent MR's description and posts one
 * session note, each only when its marker is not already there: however often
 * a delivery repeats, and when the bot's own edits come back as deliveries,
 * nothing is written twice. A footer that was written before and is gone (a
 * person removed it) is restored, at most once per description, and the
 * restore is audited as duo_flow_footer_restored.
 */
export const RESTORE_INTERVAL_MS = 10 * 60 * 1000;

export function createWriteBackHandler(deps: { sql: Sql; integrator: Integrator; gitlab: GitlabClient | null; publicUrl: string }): JobHandler {
  return async (payload) => {
    if (deps.gitlab === null) return 'not written: FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN are not set';
    const projectId = String(payload.project_id);
    const iid = String(payload.iid);
    const sessions = Array.isArray(payload.session_ids) ? payload.session_ids.map(String) : [];
    const restoredBefore = new Set(Array.isArray(payload.footer_removed) ? payload.footer_removed.map(String) : []);
    const done: string[] = [];
    const description = await deps.gitlab.mergeRequestDescription(projectId, iid);
    let missing = sessions.filter((s) => !description.includes(marker(s)));
    // A footer a person removed is put back, but not again within RESTORE_INTERVAL_MS: no edit war.
    // Each removal is audited either way (one event per removal delivery).
    const removal = String(payload.delivery_id ?? '');
    const held: string[] = [];
    for (const s of missing.filter((x) => restoredBefore.has(x))) {
      const recent = await recentRestore(deps.sql, s, iid, RESTORE_INTERVAL_MS);
      if (recent) held.push(s);
      await deps.integrator.append([{
        eventId: deterministicUuid(`footer_restored:${projectId}:${iid}:${s}:${removal}`),
        type: 'duo_flow_footer_restored', sessionId: s, occurredAt: new Date().toISOString(), source: 'system',
        data: { merge_request_iid: iid, project_id: projectId, restored: !recent, ...(recent ? { reason: 'restored less than 10 minutes ago; not restored again' } : {}) },
      }]);
    }
    missing = missing.filter((s) => !held.includes(s));
    if (missing.length > 0) {
      const footer = missing.map((s) => footerFor(s, deps.publicUrl)).join('\n');
      await deps.gitlab.setMergeRequestDescription(projectId, iid, `${description.replace(/\s+$/, '')}\n\n${footer}`);
      done.push(`footer ${missing.join(', ')}`);
    }
    if (held.length > 0) done.push(`footer removal of ${held.join(', ')} audited, restore rate-limited`);
    const notes = await deps.gitlab.mergeRequestNoteBodies(projectId, iid);
    for (const s of sessions) {
      if (notes.some((n) => n.includes(marker(s)))) continue;
      await deps.gitlab.createMergeRequestNote(projectId, iid, `Created by Duo Agent Platform flow session [${s}](${deps.publicUrl}/-/duo/sessions/${encodeURIComponent(s)})\n\n${marker(s)}`);
      done.push(`note ${s}`);
    }
    return done.length === 0 ? 'nothing to write: footer and notes present' : `wrote ${done.join('; ')}`;
  };
}
