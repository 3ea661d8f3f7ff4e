-- The service's own database role must not be able to rewrite history. When
-- FLOWTRAIL_MIGRATION_DATABASE_URL is set, the tables belong to that (owner)
-- role and the service connects as one that may only insert into and read the
-- log (src/store/grant-service-role.ts). Purges then happen only through the
-- two functions below, which run with the owner's rights (security definer),
-- decide from the database's own clock and the log's recorded times, and write
-- their own audit record into the intake in the same transaction as the purge:
-- a crash leaves both or neither.

-- The shortest retention the owner allows; `flowtrail migrate` sets it from
-- FLOWTRAIL_RETENTION_DAYS, so the service's role cannot shorten retention.
create table retention_policy (
  id int primary key check (id = 1),
  min_days int not null check (min_days >= 1)
);
insert into retention_policy (id, min_days) values (1, 1);

-- The purge switch counts only for a member of the owning role: inside the
-- functions below that is the owner; a connection as the service's role
-- (when it is not the owner) is refused whatever it sets.
create or replace function flowtrail_refuse_change() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('flowtrail.purge', true), '') = 'on'
     and (select pg_has_role(current_user, c.relowner, 'MEMBER') from pg_class c where c.oid = tg_relid) then
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end if;
  raise exception 'flowtrail: % on % is not allowed: the audit log is append-only', tg_op, tg_table_name
    using errcode = 'P0001';
end;
$$;

-- [first, last] runs of consecutive sequence numbers, ascending, as JSON.
create function flowtrail_seq_ranges(seqs bigint[]) returns jsonb language sql immutable as $$
  select coalesce(jsonb_agg(jsonb_build_array(a, b) order by a), '[]'::jsonb)
  from (select min(s) as a, max(s) as b from (select s, s - row_number() over (order by s) as g from unnest(seqs) as s) x group by g) r
$$;

-- An event flowtrail records itself, queued for the integrator like recordEvents does.
create function flowtrail_record_system_event(p_type text, p_at timestamptz, p_data jsonb) returns void language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into intake (dedupe_key, source, events) values ('system:' || v_id, 'system', jsonb_build_array(jsonb_build_object(
    'eventId', v_id, 'type', p_type, 'sessionId', null,
    'occurredAt', to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'source', 'system', 'data', p_data)));
end;
$$;

-- Retention: sessions whose end is older than the cutoff both by the sender's
-- clock and by when the log recorded their events (so a back-dated stop cannot
-- expire a live session), and only events under the latest signed checkpoint.
-- Leaf content and texts go; leaf hashes stay, so every proof still verifies.
create function flowtrail_purge_expired(p_days int, p_actor text) returns jsonb language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_now timestamptz := now();
  v_min int;
  v_cutoff timestamptz;
  v_up_to bigint;
  v_ready text[];
  v_candidates int;
  v_texts int;
  v_deliveries int;
  v_seqs bigint[];
  v_result jsonb;
begin
  v_min := coalesce((select min_days from retention_policy where id = 1), 1);
  if p_days is null or p_days < v_min then
    raise exception 'flowtrail: a retention of % days is shorter than the % days the database owner allows (flowtrail migrate sets it from FLOWTRAIL_RETENTION_DAYS)', p_days, v_min
      using errcode = '22023';
  end if;
  v_cutoff := v_now - make_interval(days => p_days);
  perform set_config('flowtrail.purge', 'on', true);
  select coalesce(max(tree_size), 0) into v_up_to from checkpoints;
  select count(*)::int, coalesce(array_agg(session_id) filter (where max_seq < v_up_to), '{}')
    into v_candidates, v_ready
    from (
      select s.session_id, e.max_seq
      from sessions s
      cross join lateral (select max(seq) as max_seq, max(recorded_at) as last_recorded from audit_events a where a.session_id = s.session_id) e
      where coalesce(s.ended_at, s.last_occurred_at) < v_cutoff and s.purged_at is null
        and (e.last_recorded is null or e.last_recorded < v_cutoff)
    ) c;
  with d as (
    delete from deliveries d where d.received_at < v_cutoff
      and not exists (select 1 from jobs j where j.state = 'pending' and (j.payload->>'delivery_id')::bigint = d.id)
    returning 1)
  select count(*)::int into v_deliveries from d;
  select count(*)::int into v_texts from audit_events where session_id = any(v_ready) and texts is not null;
  with u as (
    update audit_events set leaf = null, texts = null, text_salt = null, purged_at = v_now
    where session_id = any(v_ready) and leaf is not null returning seq)
  select coalesce(array_agg(seq), '{}') into v_seqs from u;
  delete from lifecycle_flags where session_id = any(v_ready);
  delete from sessions where session_id = any(v_ready);
  v_result := jsonb_build_object(
    'cutoff', to_char(v_cutoff at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'sessions', cardinality(v_ready), 'events', cardinality(v_seqs), 'texts', v_texts, 'deliveries', v_deliveries,
    'deferred', v_candidates - cardinality(v_ready), 'upToTreeSize', v_up_to);
  -- The exact leaves purged: verify accepts a leaf without content only inside these ranges.
  perform flowtrail_record_system_event('retention_purged', v_now,
    v_result || jsonb_build_object('retention_days', p_days, 'actor', p_actor, 'seq_ranges', flowtrail_seq_ranges(v_seqs)));
  return v_result;
end;
$$;

-- GDPR erasure of the free texts of one session or of every session a person
-- initiated; the leaves keep their commitments, so every proof still verifies.
create function flowtrail_erase_texts(p_session_id text, p_username text, p_actor text, p_reason text) returns jsonb language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_seqs bigint[];
  v_ranges jsonb;
begin
  if p_session_id is null and p_username is null then
    raise exception 'flowtrail: name a session_id or a user to erase' using errcode = '22023';
  end if;
  perform set_config('flowtrail.purge', 'on', true);
  with u as (
    update audit_events set texts = null, text_salt = null
    where texts is not null and (
      p_session_id is not null and session_id = p_session_id
      or p_username is not null and session_id in (select session_id from sessions where username = p_username))
    returning seq)
  select coalesce(array_agg(seq), '{}') into v_seqs from u;
  v_ranges := flowtrail_seq_ranges(v_seqs);
  -- Kept outside the session: a later purge of the session must not remove the record of the erasure.
  perform flowtrail_record_system_event('personal_data_erased', now(), jsonb_build_object(
    'scope', jsonb_build_object('session_id', p_session_id, 'user', p_username),
    'events', cardinality(v_seqs), 'seq_ranges', v_ranges, 'actor', p_actor, 'reason', p_reason));
  return jsonb_build_object('events', cardinality(v_seqs), 'seq_ranges', v_ranges);
end;
$$;

-- Only roles that are granted them may call the purges (the service's role is,
-- by src/store/grant-service-role.ts); the helpers are the owner's alone.
revoke all on function flowtrail_purge_expired(int, text) from public;
revoke all on function flowtrail_erase_texts(text, text, text, text) from public;
revoke all on function flowtrail_record_system_event(text, timestamptz, jsonb) from public;

-- The tree's state only moves forward: its size and checkpoint size never
-- shrink and its origin, once fixed, never changes (outside an owner's purge).
create function flowtrail_log_state_forward() returns trigger language plpgsql as $$
begin
  if new.size < old.size or new.checkpoint_size < old.checkpoint_size
     or (old.origin is not null and new.origin is distinct from old.origin) then
    if coalesce(current_setting('flowtrail.purge', true), '') = 'on'
       and (select pg_has_role(current_user, c.relowner, 'MEMBER') from pg_class c where c.oid = tg_relid) then
      return new;
    end if;
    raise exception 'flowtrail: the log state only moves forward (size %, checkpoint %, origin %)', old.size, old.checkpoint_size, old.origin
      using errcode = 'P0001';
  end if;
  return new;
end;
$$;
create trigger log_state_forward before update on log_state
  for each row execute function flowtrail_log_state_forward();
