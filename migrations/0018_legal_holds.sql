-- Legal holds and retention rules. Both decide what a purge may delete, so the
-- service's role may only read them: placing and releasing a hold and setting
-- a rule go through the owner's functions below, which check their input and
-- queue their own audit record in the same transaction (a crash leaves both or
-- neither, and nothing changes them unrecorded).

create table legal_holds (
  id bigint generated always as identity primary key,
  scope text not null check (scope in ('session', 'user', 'project')),
  value text not null check (length(value) between 1 and 1024),
  reason text not null check (length(reason) between 1 and 2000),
  placed_by text not null,
  placed_at timestamptz not null default now(),
  released_at timestamptz,
  released_by text,
  release_reason text
);
create index legal_holds_active on legal_holds (scope, value) where released_at is null;

-- Retention for one project or one flow type instead of the global default.
create table retention_rules (
  scope text not null check (scope in ('project', 'flow_type')),
  value text not null check (length(value) between 1 and 1024),
  days int not null check (days >= 1),
  set_by text not null,
  set_at timestamptz not null default now(),
  primary key (scope, value)
);

-- As for the log (0008): only the owner's functions, with the purge switch on, change them.
create trigger legal_holds_guarded before update or delete on legal_holds
  for each row execute function flowtrail_refuse_change();
create trigger retention_rules_guarded before insert or update or delete on retention_rules
  for each row execute function flowtrail_refuse_change();

-- The active holds that cover a session (by its id, its initiator or its project), as ids.
create function flowtrail_holds_on(p_session_id text, p_username text, p_project_path text) returns bigint[] language sql stable
  set search_path = public, pg_temp as $$
  select coalesce(array_agg(h.id order by h.id), '{}') from legal_holds h
  where h.released_at is null and (
    h.scope = 'session' and h.value = p_session_id
    or h.scope = 'user' and h.value = p_username
    or h.scope = 'project' and lower(h.value) = lower(p_project_path))
$$;

create function flowtrail_place_hold(p_scope text, p_value text, p_reason text, p_actor text) returns jsonb language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_row legal_holds;
begin
  if p_scope is null or p_scope not in ('session', 'user', 'project') then
    raise exception 'flowtrail: scope must be session, user or project' using errcode = '22023';
  end if;
  if coalesce(length(p_value), 0) not between 1 and 1024 then
    raise exception 'flowtrail: name the % to hold (1 to 1024 characters)', p_scope using errcode = '22023';
  end if;
  if coalesce(length(p_reason), 0) not between 1 and 2000 then
    raise exception 'flowtrail: a hold needs a reason (1 to 2000 characters)' using errcode = '22023';
  end if;
  insert into legal_holds (scope, value, reason, placed_by) values (p_scope, p_value, p_reason, p_actor) returning * into v_row;
  perform flowtrail_record_system_event('legal_hold_placed', v_row.placed_at, jsonb_build_object(
    'hold_id', v_row.id, 'scope', p_scope, 'value', p_value, 'reason', p_reason, 'actor', p_actor));
  return to_jsonb(v_row);
end;
$$;

create function flowtrail_release_hold(p_id bigint, p_actor text, p_reason text) returns jsonb language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_row legal_holds;
begin
  select * into v_row from legal_holds where id = p_id for update;
  if not found then
    raise exception 'flowtrail: there is no legal hold %', p_id using errcode = 'P0002';
  end if;
  if v_row.released_at is not null then
    raise exception 'flowtrail: legal hold % was already released at %', p_id, to_char(v_row.released_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
      using errcode = '55000';
  end if;
  perform set_config('flowtrail.purge', 'on', true);
  update legal_holds set released_at = now(), released_by = p_actor, release_reason = p_reason where id = p_id returning * into v_row;
  perform flowtrail_record_system_event('legal_hold_released', v_row.released_at, jsonb_build_object(
    'hold_id', v_row.id, 'scope', v_row.scope, 'value', v_row.value, 'reason', p_reason, 'actor', p_actor,
    'placed_at', to_char(v_row.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')));
  return to_jsonb(v_row);
end;
$$;

-- Sets (p_days not null) or removes (null) the rule for one project or flow type.
create function flowtrail_set_retention_rule(p_scope text, p_value text, p_days int, p_actor text) returns jsonb language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_min int := coalesce((select min_days from retention_policy where id = 1), 1);
  v_previous int;
  v_value text := case when p_scope = 'project' then lower(p_value) else p_value end;
begin
  if p_scope is null or p_scope not in ('project', 'flow_type') then
    raise exception 'flowtrail: scope must be project or flow_type' using errcode = '22023';
  end if;
  if coalesce(length(p_value), 0) not between 1 and 1024 then
    raise exception 'flowtrail: name the % the rule is for (1 to 1024 characters)', p_scope using errcode = '22023';
  end if;
  if p_days is not null and p_days < v_min then
    raise exception 'flowtrail: a retention of % days is shorter than the % days the database owner allows (flowtrail migrate sets it from FLOWTRAIL_RETENTION_DAYS)', p_days, v_min
      using errcode = '22023';
  end if;
  select days into v_previous from retention_rules where scope = p_scope and value = v_value;
  if p_days is null and v_previous is null then
    raise exception 'flowtrail: there is no retention rule for % %', p_scope, p_value using errcode = 'P0002';
  end if;
  perform set_config('flowtrail.purge', 'on', true);
  if p_days is null then
    delete from retention_rules where scope = p_scope and value = v_value;
  else
    insert into retention_rules (scope, value, days, set_by) values (p_scope, v_value, p_days, p_actor)
      on conflict (scope, value) do update set days = excluded.days, set_by = excluded.set_by, set_at = now();
  end if;
  perform flowtrail_record_system_event('retention_policy_changed', now(), jsonb_build_object(
    'scope', p_scope, 'value', v_value, 'days', p_days, 'previous_days', v_previous, 'actor', p_actor));
  return jsonb_build_object('scope', p_scope, 'value', v_value, 'days', p_days, 'previous_days', v_previous);
end;
$$;

-- Retention as in 0008, with two changes: a session's period is its project's
-- or flow type's rule when one exists (the longer when both do), else the
-- default; and a session under an active legal hold is never purged. What was
-- skipped, and which holds kept it, is part of the retention_purged record.
create or replace function flowtrail_purge_expired(p_days int, p_actor text) returns jsonb language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_now timestamptz := now();
  v_min int;
  v_cutoff timestamptz;
  v_up_to bigint;
  v_ready text[];
  v_candidates int;
  v_held int;
  v_hold_ids bigint[];
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
  with expired as (
    select s.session_id, e.max_seq, flowtrail_holds_on(s.session_id, s.username, s.project_path) as holds
    from sessions s
    cross join lateral (select greatest(
      (select r.days from retention_rules r where r.scope = 'project' and r.value = lower(s.project_path)),
      (select r.days from retention_rules r where r.scope = 'flow_type' and r.value = s.flow_type)) as days) rule
    cross join lateral (select v_now - make_interval(days => greatest(coalesce(rule.days, p_days), v_min)) as cutoff) c
    cross join lateral (select max(seq) as max_seq, max(recorded_at) as last_recorded from audit_events a where a.session_id = s.session_id) e
    where coalesce(s.ended_at, s.last_occurred_at) < c.cutoff and s.purged_at is null
      and (e.last_recorded is null or e.last_recorded < c.cutoff)
  )
  select count(*) filter (where cardinality(holds) = 0)::int,
    coalesce(array_agg(session_id) filter (where cardinality(holds) = 0 and max_seq < v_up_to), '{}'),
    count(*) filter (where cardinality(holds) > 0)::int,
    coalesce((select array_agg(distinct h order by h) from expired x, unnest(x.holds) h), '{}')
    into v_candidates, v_ready, v_held, v_hold_ids
    from expired;
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
    'deferred', v_candidates - cardinality(v_ready), 'held', v_held, 'holds', to_jsonb(v_hold_ids),
    'rules', (select count(*)::int from retention_rules), 'upToTreeSize', v_up_to);
  perform flowtrail_record_system_event('retention_purged', v_now,
    v_result || jsonb_build_object('retention_days', p_days, 'actor', p_actor, 'seq_ranges', flowtrail_seq_ranges(v_seqs)));
  return v_result;
end;
$$;

-- Erasure as in 0008, skipping sessions under an active legal hold (GDPR
-- Art. 17(3)(e): data needed for legal claims); the record names them and the holds.
create or replace function flowtrail_erase_texts(p_session_id text, p_username text, p_actor text, p_reason text) returns jsonb language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  v_seqs bigint[];
  v_ranges jsonb;
  v_skipped jsonb;
begin
  if p_session_id is null and p_username is null then
    raise exception 'flowtrail: name a session_id or a user to erase' using errcode = '22023';
  end if;
  perform set_config('flowtrail.purge', 'on', true);
  with targets as (
    select t.session_id, flowtrail_holds_on(t.session_id, s.username, s.project_path) as holds
    from (select p_session_id as session_id where p_session_id is not null
          union select session_id from sessions where p_username is not null and username = p_username) t
    left join sessions s on s.session_id = t.session_id
  )
  select coalesce(jsonb_agg(jsonb_build_object('session_id', session_id, 'holds', to_jsonb(holds)) order by session_id)
      filter (where cardinality(holds) > 0), '[]')
    into v_skipped from targets;
  with u as (
    update audit_events set texts = null, text_salt = null
    where texts is not null and (
      p_session_id is not null and session_id = p_session_id
      or p_username is not null and session_id in (select session_id from sessions where username = p_username))
      and session_id not in (select x->>'session_id' from jsonb_array_elements(v_skipped) x)
    returning seq)
  select coalesce(array_agg(seq), '{}') into v_seqs from u;
  v_ranges := flowtrail_seq_ranges(v_seqs);
  perform flowtrail_record_system_event('personal_data_erased', now(), jsonb_build_object(
    'scope', jsonb_build_object('session_id', p_session_id, 'user', p_username),
    'events', cardinality(v_seqs), 'seq_ranges', v_ranges, 'skipped_held', v_skipped, 'actor', p_actor, 'reason', p_reason));
  return jsonb_build_object('events', cardinality(v_seqs), 'seq_ranges', v_ranges, 'skipped_held', v_skipped);
end;
$$;

revoke all on function flowtrail_place_hold(text, text, text, text) from public;
revoke all on function flowtrail_release_hold(bigint, text, text) from public;
revoke all on function flowtrail_set_retention_rule(text, text, int, text) from public;
