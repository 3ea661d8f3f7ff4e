-- Alert notifications: each new alert (an event of an alert type) is posted
-- to the alert webhook and/or opened as a GitLab issue. Each channel keeps a
-- durable cursor, as the streaming destinations do (0015): cursor_seq is the
-- last log position it has handled, so every alert after it is notified at
-- least once, in order, whatever restarts happen. A channel seen for the
-- first time starts at the end of the log: alerts recorded before it was
-- configured are not announced.
create table alert_notifiers (
  channel text primary key check (channel in ('webhook', 'gitlab_issue')),
  cursor_seq bigint not null,
  sent_total bigint not null default 0,
  failures_total bigint not null default 0,
  failing_since timestamptz,
  last_error text,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- What was done for each alert on each channel: attempts (counted before each
-- try, so a try cut short by a crash is known), when it was sent, and for
-- GitLab the issue opened for it. An issue is looked up by its marker before
-- a second try opens one, so each alert gets one issue.
create table alert_notifications (
  alert_seq bigint not null,
  channel text not null check (channel in ('webhook', 'gitlab_issue')),
  attempts int not null default 0,
  last_attempt_at timestamptz,
  last_error text,
  sent_at timestamptz,
  gitlab_issue_iid bigint,
  gitlab_issue_url text,
  primary key (alert_seq, channel)
);
