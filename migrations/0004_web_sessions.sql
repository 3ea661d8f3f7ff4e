-- Browser sessions of the pages. The cookie carries a random id (signed);
-- only its SHA-256 is stored, so a copy of this table signs nobody in.
-- A session opened with an API token ends when the token is revoked.
create table web_sessions (
  id_hash bytea primary key,
  method text not null check (method in ('gitlab', 'token')),
  role text not null check (role in ('user', 'auditor', 'admin')),
  username text,
  display_name text,
  gitlab_user_id text,
  token_id text references api_tokens (id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check (role <> 'user' or username is not null),
  check (method <> 'token' or token_id is not null)
);
create index web_sessions_expires_at on web_sessions (expires_at);
