-- What flowtrail wrote into GitLab merge requests, and who is writing now.
--
-- write_backs: one row per (merge request, session, kind): the footer in the
-- description or the session note. state 'writing' means a write was (or is
-- about to be) sent and its outcome is not known: whoever finds it so reads
-- GitLab again (the marker) before writing anything. 'written' means GitLab
-- has it; generation counts the confirmed writes of a footer (1 the first,
-- each restore after a removal adds one), so a removal is known by the row
-- and generation it removed. 'removed' is a footer removal flowtrail let
-- stand (its restore was rate-limited).
create table write_backs (
  id bigserial primary key,
  project_id text not null,
  mr_iid text not null,
  session_id text not null,
  kind text not null check (kind in ('footer', 'note')),
  state text not null check (state in ('writing', 'written', 'removed')),
  generation int not null default 0,
  gitlab_note_id bigint,
  written_at timestamptz,
  updated_at timestamptz not null default now(),
  unique (project_id, mr_iid, session_id, kind)
);

-- merge_request_claims: the one worker (in any process) writing back to a
-- merge request. Taken and renewed with one statement each on the database's
-- clock, never held in an open transaction (GitLab calls happen while it is
-- held); a claim whose holder died lapses at expires_at.
create table merge_request_claims (
  project_id text not null,
  mr_iid text not null,
  holder text not null,
  expires_at timestamptz not null,
  primary key (project_id, mr_iid)
);
