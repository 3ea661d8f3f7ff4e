import type { Sql } from './database.js';

// flowtrail's record of what it wrote into merge requests (write_backs) and
// the per-merge-request claim that lets one worker in any process write at a
// time (merge_request_claims). Every statement stands alone: nothing here
// holds a transaction open while the caller talks to GitLab.

export type WriteBackKind = 'footer' | 'note';
export type WriteBackState = 'writing' | 'written' | 'removed';

export interface WriteBackRow {
  id: number;
  sessionId: string;
  kind: WriteBackKind;
  state: WriteBackState;
  generation: number;
  gitlabNoteId: number | null;
  /** The footer was written (first written or restored) within the interval the caller asked about, by the database's clock. */
  recentlyWritten: boolean;
}

/**
 * Takes the merge request for `holder` for `leaseSeconds`, in one statement on
 * the database's clock: free, lapsed (its holder died or hung) or already
 * this holder's. False when another holder has it.
 */
export async function claimMergeRequest(sql: Sql, projectId: string, iid: string, holder: string, leaseSeconds: number): Promise<boolean> {
  const rows = await sql`
    insert into merge_request_claims as c (project_id, mr_iid, holder, expires_at)
    values (${projectId}, ${iid}, ${holder}, now() + make_interval(secs => ${leaseSeconds}))
    on conflict (project_id, mr_iid) do update set holder = excluded.holder, expires_at = excluded.expires_at
      where c.expires_at < now() or c.holder = excluded.holder
    returning holder`;
  return rows.length === 1;
}

/** Extends the holder's claim; false when it lapsed and another worker took it (the caller must not write). */
export async function renewMergeRequestClaim(sql: Sql, projectId: string, iid: string, holder: string, leaseSeconds: number): Promise<boolean> {
  const rows = await sql`
    update merge_request_claims set expires_at = now() + make_interval(secs => ${leaseSeconds})
    where project_id = ${projectId} and mr_iid = ${iid} and holder = ${holder} and expires_at >= now()
    returning holder`;
  return rows.length === 1;
}

export async function releaseMergeRequestClaim(sql: Sql, projectId: string, iid: string, holder: string): Promise<void> {
  await sql`delete from merge_request_claims where project_id = ${projectId} and mr_iid = ${iid} and holder = ${holder}`;
}

/** The record of a merge request, with whether each row was written within `withinSeconds`. */
export async function readWriteBacks(sql: Sql, projectId: string, iid: string, withinSeconds: number): Promise<WriteBackRow[]> {
  return sql<WriteBackRow[]>`
    select id, session_id, kind, state, generation, gitlab_note_id,
      coalesce(written_at > now() - make_interval(secs => ${withinSeconds}), false) as recently_written
    from write_backs where project_id = ${projectId} and mr_iid = ${iid} order by id`;
}

/** The sessions flowtrail has written anything for on this merge request. */
export async function writtenSessions(sql: Sql, projectId: string, iid: string): Promise<string[]> {
  const rows = await sql<{ sessionId: string }[]>`
    select distinct session_id from write_backs where project_id = ${projectId} and mr_iid = ${iid} order by session_id`;
  return rows.map((r) => r.sessionId);
}

/**
 * Records the intent of a first write ('writing', generation 0) before it is
 * sent; answers the row as it stands (an existing row is left as it is).
 */
export async function startWriteBack(sql: Sql, projectId: string, iid: string, sessionId: string, kind: WriteBackKind): Promise<WriteBackRow> {
  await sql`insert into write_backs (project_id, mr_iid, session_id, kind, state)
    values (${projectId}, ${iid}, ${sessionId}, ${kind}, 'writing') on conflict do nothing`;
  const [row] = await sql<WriteBackRow[]>`
    select id, session_id, kind, state, generation, gitlab_note_id, false as recently_written
    from write_backs where project_id = ${projectId} and mr_iid = ${iid} and session_id = ${sessionId} and kind = ${kind}`;
  return row!;
}

/**
 * GitLab has it (it answered the write, or the marker was found there): the
 * row becomes 'written' and its generation goes up by one. Only from `from`
 * ('writing', or 'removed' when a person put the footer back). False when the
 * row was not in that state.
 */
export async function confirmWriteBack(sql: Sql, id: number, from: 'writing' | 'removed', noteId: number | null = null): Promise<boolean> {
  const rows = await sql`update write_backs set state = 'written', generation = generation + 1, written_at = now(), updated_at = now(),
      gitlab_note_id = coalesce(${noteId}::bigint, gitlab_note_id)
    where id = ${id} and state = ${from} returning id`;
  return rows.length === 1;
}

/** A written footer found removed: to 'writing' (it is being restored) or 'removed' (the removal stands). Only from that generation. */
export async function markFooterRemoved(sql: Sql, id: number, generation: number, to: 'writing' | 'removed'): Promise<boolean> {
  const rows = await sql`update write_backs set state = ${to}, updated_at = now()
    where id = ${id} and state = 'written' and generation = ${generation} returning id`;
  return rows.length === 1;
}
