-- The read surfaces at a million sessions (bench/scale.ts, docs/benchmarks.md):
-- every session filter of the pages, REST and GraphQL has an index in the
-- list's keyset order (sort_at desc, session_id desc), so that a page is read
-- from the top of one index and never sorted.
create index sessions_project_id on sessions (project_id, sort_at desc, session_id desc);
create index sessions_user_id on sessions (user_id, sort_at desc, session_id desc);
