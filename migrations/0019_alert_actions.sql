-- What people did about each alert (an event of an alert type in the log):
-- acknowledged (seen, being handled) and resolved, by whom and why. An
-- alert's state is its latest action (none: open). Rows are only added, each
-- with its own audit record (alert_acknowledged, alert_resolved) queued in the
-- same transaction.
create table alert_actions (
  id bigint generated always as identity primary key,
  alert_seq bigint not null,
  action text not null check (action in ('acknowledged', 'resolved')),
  actor text not null,
  reason text not null check (length(reason) between 1 and 2000),
  at timestamptz not null default now()
);
create index alert_actions_alert on alert_actions (alert_seq, id desc);

create trigger alert_actions_append_only before update or delete on alert_actions
  for each row execute function flowtrail_refuse_change();

-- The alerts' partial index (0006) names every alert type, so that the planner can use it for
-- the dashboard and GET /api/v1/alerts: the separation of duties joins them.
drop index audit_events_alerts;
create index audit_events_alerts on audit_events (type, occurred_at)
  where type in ('duo_flow_untraced_agent_commit', 'duo_flow_unknown_session_reference', 'duo_flow_push_rejected',
                 'duo_flow_lifecycle_violation', 'duo_flow_authorization_unverified', 'duo_flow_separation_of_duties_violation');
