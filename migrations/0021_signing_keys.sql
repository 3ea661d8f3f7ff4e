-- Every key that has signed checkpoints of this log, in the order they took
-- over. A key's period starts at first_tree_size (the first tree size it may
-- sign) and ends where the next key's starts (plus the handover checkpoint,
-- when the retiring key signed one over the rotation event). Every key but
-- the first is introduced by a signing_key_rotated event at rotation_seq, so
-- the log itself holds the key history; verification reads it from the log
-- and checks this table against it. Rows are only added.
create table signing_keys (
  key_id text primary key,
  verifier_key text not null unique,
  public_key bytea not null check (length(public_key) = 32),
  first_tree_size bigint not null check (first_tree_size >= 0),
  rotation_seq bigint,
  handover boolean not null default false,
  recorded_at timestamptz not null default now()
);

create trigger signing_keys_append_only before update or delete on signing_keys
  for each row execute function flowtrail_refuse_change();
