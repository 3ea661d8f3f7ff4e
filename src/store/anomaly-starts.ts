// What the anomaly detectors read about session starts (src/anomalies/). Time
// is always the log's recorded_at (the server's clock when it appended the
// event), never the sender's occurred_at; who and where come from the session
// projection, whose owner is decided by source and log order. A session's
// start is its first duo_flow_started by recorded_at (index of migration 0022).
import type { Sql } from './database.js';

export type StartSubject = 'user' | 'project';

export interface StartCounts {
  subject: string;
  /** Sessions whose start was recorded in [windowFrom, to). */
  recent: number;
  /** Sessions whose start was recorded in [baselineFrom, windowFrom). */
  past: number;
  /** The earliest start of the baseline period (null: none). */
  firstAt: Date | null;
}

const subjectColumn = (sql: Sql, by: StartSubject) => (by === 'user' ? sql`s.username` : sql`s.project_path`);

/**
 * Per person or project with at least `minRecent` sessions started in the
 * window: those and the ones of the baseline period before it. The baseline
 * is read only for those subjects.
 */
export async function startCounts(sql: Sql, by: StartSubject, range: { baselineFrom: Date; windowFrom: Date; to: Date }, minRecent: number): Promise<StartCounts[]> {
  const col = subjectColumn(sql, by);
  return sql<StartCounts[]>`
    with recent as (
      select session_id from audit_events
      where type = 'duo_flow_started' and recorded_at >= ${range.windowFrom} and recorded_at < ${range.to}
      group by session_id
      having not exists (select 1 from audit_events p where p.session_id = audit_events.session_id and p.type = 'duo_flow_started' and p.recorded_at < ${range.windowFrom})
    ),
    candidates as (
      select ${col} as subject, count(*)::int as recent from recent join sessions s using (session_id)
      where ${col} is not null group by 1 having count(*) >= ${minRecent}
    ),
    past as (
      select ${col} as subject, count(distinct e.session_id)::int as past, min(e.recorded_at) as first_at
      from audit_events e join sessions s using (session_id)
      where e.type = 'duo_flow_started' and e.recorded_at >= ${range.baselineFrom} and e.recorded_at < ${range.windowFrom}
        and ${col} in (select subject from candidates)
      group by 1
    )
    select c.subject, c.recent, coalesce(p.past, 0)::int as past, p.first_at
    from candidates c left join past p using (subject)
    order by c.subject`;
}

export interface RecentStart {
  sessionId: string;
  username: string;
  projectPath: string | null;
  /** When the log recorded the session's start. */
  at: Date;
  /** The person's starts of the history period by UTC hour of their recorded time: [hour, sessions] pairs. */
  hours: [number, number][];
}

/**
 * Sessions whose start was recorded in [from, to) with a known person, each
 * with that person's starts of [historyFrom, historyTo) counted by UTC hour.
 */
export async function recentStartsWithHours(sql: Sql, range: { from: Date; to: Date; historyFrom: Date; historyTo: Date }): Promise<RecentStart[]> {
  return sql<RecentStart[]>`
    with recent as (
      select session_id, min(recorded_at) as at from audit_events
      where type = 'duo_flow_started' and recorded_at >= ${range.from} and recorded_at < ${range.to}
      group by session_id
    ),
    r as (select recent.session_id, recent.at, s.username, s.project_path from recent join sessions s using (session_id) where s.username is not null),
    h as (
      select s.username, extract(hour from e.recorded_at at time zone 'UTC')::int as hour, count(distinct e.session_id)::int as n
      from audit_events e join sessions s using (session_id)
      where e.type = 'duo_flow_started' and e.recorded_at >= ${range.historyFrom} and e.recorded_at < ${range.historyTo}
        and s.username in (select username from r)
      group by 1, 2
    ),
    per_person as (select username, json_agg(json_build_array(hour, n) order by hour) as hours from h group by username)
    select r.session_id, r.username, r.project_path, r.at, coalesce(p.hours, '[]'::json) as hours
    from r left join per_person p using (username) order by r.at, r.session_id`;
}
