-- Streaming destinations (SIEM): where the log is pushed as it grows, each
-- with its own durable cursor. cursor_seq is the last sequence number
-- delivered (or passed over by the filters); delivery resumes after it, so
-- every event is sent at least once and in order, whatever restarts or
-- outages happen in between. A destination's token is either sealed
-- (AES-256-GCM, token_sealed) or named in the environment (token_env), never
-- stored in clear.
create table streaming_destinations (
  id text primary key,
  name text not null unique,
  type text not null check (type in ('http', 'splunk_hec', 'syslog')),
  url text not null,
  format text not null check (format in ('gitlab', 'ocsf', 'cef', 'ndjson')),
  token_sealed bytea,
  token_env text,
  tls_ca text,
  filter_types text[] not null default '{}',
  filter_projects text[] not null default '{}',
  active boolean not null default true,
  cursor_seq bigint not null default -1,
  delivered_at timestamptz,
  delivered_total bigint not null default 0,
  failures_total bigint not null default 0,
  failing_since timestamptz,
  last_error text,
  paused_at timestamptz,
  paused_reason text,
  created_at timestamptz not null default now(),
  created_by text,
  updated_at timestamptz not null default now(),
  check (token_sealed is null or token_env is null)
);
