-- OTLP spans kept between requests, keyed by trace and span. An exporter sends
-- a trace's children before the span that starts their session (it ends last),
-- or, over parallel requests, after it. `waiting` rows are children whose
-- session span has not arrived: they enter the log with it and are deleted.
-- `session` rows are session spans already recorded, so that a child arriving
-- later still finds its session. Attributes are stored sanitized. Nothing here
-- is part of the log.
create table otlp_pending_spans (
  trace_id text not null,
  span_id text not null,
  role text not null check (role in ('waiting', 'session')),
  span jsonb not null,
  received_at timestamptz not null default now(),
  primary key (trace_id, span_id)
);
create index otlp_pending_spans_received on otlp_pending_spans (received_at);
