-- Usage for managers (GET /api/v1/usage, GraphQL duoFlowUsage, /-/duo/usage).
--
-- What each session produced, kept on the session so that a usage report over
-- a month of a million sessions reads the sessions of the month and nothing
-- else. Counted by the projection (src/store/usage.ts, refreshResourceCounts)
-- whenever a batch brings a duo_flow_resource_created or _linked event:
--   commits: distinct commits the session created or that were tied to it
--     (by the first 7 characters of the SHA, so that a short and a full SHA of
--     one commit count once), except the merge and squash commits GitLab made;
--   merge_requests, notes: distinct ids of each;
--   merge_requests_merged: distinct merge requests whose merge or squash
--     commit was tied to the session (GitLab's merge event).
alter table sessions
  add column commits int not null default 0,
  add column merge_requests int not null default 0,
  add column notes int not null default 0,
  add column merge_requests_merged int not null default 0;

update sessions s set commits = r.commits, merge_requests = r.merge_requests, notes = r.notes, merge_requests_merged = r.merged
from (
  select session_id,
    count(distinct lower(left(d->>'resource_id', 7))) filter (where d->>'resource_type' = 'Commit' and coalesce(d->>'link_method', '') not in ('merge', 'squash'))::int as commits,
    count(distinct d->>'resource_id') filter (where d->>'resource_type' = 'MergeRequest')::int as merge_requests,
    count(distinct d->>'resource_id') filter (where d->>'resource_type' = 'Note')::int as notes,
    count(distinct d->>'merge_request_iid') filter (where d->>'link_method' in ('merge', 'squash'))::int as merged
  from (select session_id, leaf::jsonb->'data' as d from audit_events
        where type in ('duo_flow_resource_created', 'duo_flow_resource_linked') and session_id is not null and leaf is not null) e
  group by session_id
) r
where s.session_id = r.session_id;

-- GET /api/v1/audit-events and the export with ?user= or ?project=: the
-- session-less events (pushes, untraced commits, system events) naming that
-- person or project, newest (or oldest) first by seq, read from one small
-- index instead of every session-less event (listEvents in src/store/audit-reads.ts).
create index audit_events_sessionless_username on audit_events (username, seq) where session_id is null;
create index audit_events_sessionless_project on audit_events (project_path, seq) where session_id is null;
