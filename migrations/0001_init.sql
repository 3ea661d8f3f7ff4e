-- flowtrail: the audit log, its integrity state, sessions and API tokens.

-- API tokens: only a SHA-256 of the token is kept; the token is shown once.
create table api_tokens (
  id text primary key,
  name text not null,
  role text not null check (role in ('ingest', 'user', 'auditor', 'admin')),
  username text,
  token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  created_by text,
  revoked_at timestamptz,
  last_used_at timestamptz,
  check (role <> 'user' or username is not null)
);

-- Intake: every accepted submission, sanitized, durably stored before the
-- answer. The integrator moves it into the sequenced log and deletes it; from
-- then on the log's unique event ids recognise a retry.
create table intake (
  id bigserial primary key,
  dedupe_key text not null unique,
  source text not null,
  received_at timestamptz not null default now(),
  events jsonb not null
);

-- The Merkle log. seq is gap-free (assigned under an advisory lock by the one
-- integrator); leaf is the RFC 8785 canonical JSON that was hashed.
create table audit_events (
  seq bigint primary key,
  event_id uuid not null unique,
  type text not null,
  session_id text,
  occurred_at timestamptz not null,
  recorded_at timestamptz not null,
  source text not null,
  project_path text,
  username text,
  leaf text,
  leaf_hash bytea not null,
  -- Free text that may hold personal data: the leaf holds only salted
  -- commitments; the sanitized texts (by field) and their salt sit here and
  -- are erased by retention or a GDPR request, while every proof still verifies.
  text_salt bytea,
  texts jsonb,
  purged_at timestamptz
);
create index audit_events_session on audit_events (session_id, type, occurred_at);
create index audit_events_type on audit_events (type, seq);
create index audit_events_occurred on audit_events (occurred_at, seq);

-- The compact-range frontier of the tree, updated with each appended batch.
-- origin: the log's name in its checkpoints (and the signing key's name),
-- fixed by the first start so that a new URL or port never orphans old checkpoints.
create table log_state (
  id int primary key check (id = 1),
  size bigint not null,
  frontier bytea not null,
  origin text,
  -- tree size of the latest signed checkpoint (null: none yet)
  checkpoint_size bigint
);
insert into log_state (id, size, frontier) values (1, 0, '\x');

-- Signed checkpoints (C2SP tlog-checkpoint notes, Ed25519).
create table checkpoints (
  tree_size bigint primary key,
  root_hash bytea not null,
  note text not null,
  frontier bytea not null,
  created_at timestamptz not null default now()
);

-- Sessions: a projection of the log, recomputed from it after every batch.
create table sessions (
  session_id text primary key,
  status text not null default 'created',
  deleted boolean not null default false,
  flow_type text,
  project_id text,
  project_path text,
  user_id text,
  username text,
  agent_id text,
  agent_username text,
  started_at timestamptz,
  ended_at timestamptz,
  first_occurred_at timestamptz not null,
  last_occurred_at timestamptz not null,
  sort_at timestamptz not null,
  duration_ms bigint,
  resources_created int not null default 0,
  events_count int not null default 0,
  violations jsonb not null default '[]',
  authorization_reported jsonb,
  authorization_verified jsonb,
  details jsonb not null default '{}',
  source text not null,
  updated_at timestamptz not null default now(),
  purged_at timestamptz
);
create index sessions_sort on sessions (sort_at desc, session_id desc);
create index sessions_username on sessions (username, sort_at desc, session_id desc);
create index sessions_project on sessions (project_path, sort_at desc, session_id desc);
create index sessions_flow_type on sessions (flow_type, sort_at desc, session_id desc);
create index sessions_status on sessions (status, sort_at desc, session_id desc);
create index sessions_agent_project on sessions (agent_id, project_id, started_at);

-- Lifecycle violations already reported as duo_flow_lifecycle_violation events.
create table lifecycle_flags (
  session_id text not null,
  event_id uuid not null,
  rule text not null,
  primary key (session_id, event_id, rule)
);

-- Agent service accounts seen in sessions (username, name, commit email).
create table agent_accounts (
  user_id text primary key,
  username text,
  name text,
  email text,
  first_seen_at timestamptz not null default now()
);

-- Append-only enforcement: rows of the log and of checkpoints are never
-- updated or deleted, except by the retention purge, which sets
-- flowtrail.purge for its own transaction.
create function flowtrail_refuse_change() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('flowtrail.purge', true), '') = 'on' then
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end if;
  raise exception 'flowtrail: % on % is not allowed: the audit log is append-only', tg_op, tg_table_name
    using errcode = 'P0001';
end;
$$;
create trigger audit_events_append_only before update or delete on audit_events
  for each row execute function flowtrail_refuse_change();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function flowtrail_refuse_change();
create trigger checkpoints_append_only before update or delete on checkpoints
  for each row execute function flowtrail_refuse_change();
create trigger checkpoints_no_truncate before truncate on checkpoints
  for each statement execute function flowtrail_refuse_change();
