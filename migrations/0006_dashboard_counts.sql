-- The audit dashboard at a million sessions (bench/scale.ts).
--
-- Sessions per day by flow type and status, kept exact by triggers, so that
-- the chart reads at most a few hundred rows instead of counting a month of
-- sessions. Filters by user or project are served live from their indexes.
create table session_day_counts (
  day date not null,
  flow_type text not null,
  status text not null,
  n bigint not null,
  primary key (day, flow_type, status)
);

create function flowtrail_count_session_days() returns trigger language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update session_day_counts set n = n - 1
      where day = (old.sort_at at time zone 'UTC')::date and flow_type = coalesce(old.flow_type, '') and status = old.status;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into session_day_counts (day, flow_type, status, n)
      values ((new.sort_at at time zone 'UTC')::date, coalesce(new.flow_type, ''), new.status, 1)
      on conflict (day, flow_type, status) do update set n = session_day_counts.n + 1;
  end if;
  return null;
end $$;

create trigger sessions_day_counts_insert_delete after insert or delete on sessions
  for each row execute function flowtrail_count_session_days();
create trigger sessions_day_counts_update after update on sessions
  for each row when (old.sort_at is distinct from new.sort_at or old.flow_type is distinct from new.flow_type or old.status is distinct from new.status)
  execute function flowtrail_count_session_days();

insert into session_day_counts (day, flow_type, status, n)
  select (sort_at at time zone 'UTC')::date, coalesce(flow_type, ''), status, count(*) from sessions group by 1, 2, 3;

-- The open alerts of a time window: the alert types only (they are rare), so
-- the index costs nothing for every other event. Must list the types of
-- ALERT_TYPES (the catalog's alert: true types in src/events.ts; a test checks it).
create index audit_events_alerts on audit_events (type, occurred_at)
  where type in ('duo_flow_untraced_agent_commit', 'duo_flow_unknown_session_reference', 'duo_flow_push_rejected',
                 'duo_flow_lifecycle_violation', 'duo_flow_authorization_unverified');

-- Events of no session (system events, pushes, untraced commits) by time, for
-- the dashboard's user and project filters; events of sessions are found
-- through their sessions.
create index audit_events_sessionless on audit_events (occurred_at, seq) where session_id is null;

-- A session has few events, but from the default sample of a large log the
-- planner judges it to have hundreds, and then reads every session to find
-- one person's events (bench/scale.ts: 320 ms instead of 5 ms). A larger
-- sample for this column keeps the estimate near the truth.
alter table audit_events alter column session_id set statistics 2000;
