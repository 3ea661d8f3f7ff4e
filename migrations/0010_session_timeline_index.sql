-- A session's timeline is read a page at a time in occurrence order
-- (occurred_at, seq), from the start or after a given event: this index
-- gives each page from one range scan, however many events the session has.
create index audit_events_session_timeline on audit_events (session_id, occurred_at, seq);
