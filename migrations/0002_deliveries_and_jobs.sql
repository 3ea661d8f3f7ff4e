-- GitLab webhook deliveries, stored (sanitized) before the answer, and the
-- durable job table the worker takes them from.

create table deliveries (
  id bigserial primary key,
  -- Idempotency-Key, else X-Gitlab-Event-UUID + X-Gitlab-Event + SHA-256 of the body
  dedupe_key text not null unique,
  event_name text not null,
  received_at timestamptz not null default now(),
  -- the delivery headers worth keeping (never X-Gitlab-Token or signatures)
  headers jsonb not null,
  body jsonb not null
);

create table jobs (
  id bigserial primary key,
  name text not null,
  payload jsonb not null,
  state text not null default 'pending' check (state in ('pending', 'done', 'dead')),
  attempts int not null default 0,
  max_attempts int not null default 10,
  run_at timestamptz not null default now(),
  locked_at timestamptz,
  locked_by text,
  last_error text,
  result text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_due on jobs (run_at, id) where state = 'pending';
create index jobs_state on jobs (state);
