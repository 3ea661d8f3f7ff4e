-- Turns the log (audit_events) into a table partitioned by ranges of seq, and
-- adds partitions ahead of the log's end. docs/scaling.md says when and why.
--
-- Run it as the tables' owner (the role of FLOWTRAIL_MIGRATION_DATABASE_URL),
-- in ONE transaction, with the width of a partition and how many empty
-- partitions to keep ahead:
--
--   psql "$FLOWTRAIL_MIGRATION_DATABASE_URL" -v ON_ERROR_STOP=1 --single-transaction \
--     -c "set flowtrail.partition_rows = '50000000'" -c "set flowtrail.partitions_ahead = '2'" \
--     -f scripts/partition-audit-events.sql
--
-- The first run converts the table without copying a row: the existing table
-- becomes the first partition (it is attached, which reads it once to check
-- that every seq lies in its range), and its indexes become the partitions of
-- the parent's indexes. Later runs only add the partitions that are missing
-- ahead of the log's end; run it again before the log reaches the last one
-- (an append beyond every partition fails and the service answers 503).
--
-- While it runs it holds the log lock (appends wait) and an exclusive lock on
-- the table (reads wait). It keeps:
-- - the append-only triggers: the row trigger is created on the parent, which
--   puts it on every partition; TRUNCATE triggers are per table, so each
--   partition gets its own;
-- - the role split: the service role gets on the new parent exactly what it had
--   on the table, and nothing on the partitions, which live in the schema
--   flowtrail_log that it may not use;
-- - event_id's uniqueness: PostgreSQL cannot enforce a unique index across
--   partitions unless it contains seq, so each partition keeps its own
--   unique (event_id), and across partitions the log's single writer checks
--   event ids under the log lock before it appends (appendEvents).
do $$
declare
  v_width bigint := coalesce(nullif(current_setting('flowtrail.partition_rows', true), ''), '50000000')::bigint;
  v_ahead int := coalesce(nullif(current_setting('flowtrail.partitions_ahead', true), ''), '2')::int;
  v_size bigint;
  v_old regclass;
  v_end bigint;
  v_name text;
  r record;
begin
  if v_width < 1 or v_ahead < 1 then
    raise exception 'flowtrail.partition_rows and flowtrail.partitions_ahead must be positive';
  end if;
  -- The log lock of src/store/log-state.ts: no append runs while the table changes.
  perform pg_advisory_xact_lock(7426002);
  lock table public.audit_events in access exclusive mode;
  select greatest(size, coalesce((select max(seq) + 1 from public.audit_events), 0)) into v_size from public.log_state where id = 1;

  create schema if not exists flowtrail_log;
  revoke all on schema flowtrail_log from public;

  if (select relkind from pg_class where oid = 'public.audit_events'::regclass) = 'r' then
    -- The table moves out of the way with its indexes, triggers and grants.
    alter table public.audit_events set schema flowtrail_log;
    v_name := format('audit_events_%s', lpad('0', 12, '0'));
    execute format('alter table flowtrail_log.audit_events rename to %I', v_name);
    v_old := format('flowtrail_log.%I', v_name)::regclass;
    -- The parent's row trigger will be cloned onto it under the same name.
    execute format('drop trigger audit_events_append_only on %s', v_old);

    execute format('create table public.audit_events (like %s including all excluding indexes) partition by range (seq)', v_old);
    v_end := (v_size / v_width + 1) * v_width;
    execute format('alter table public.audit_events attach partition %s for values from (0) to (%s)', v_old, v_end);

    -- The primary key and every index on the parent; each matches an index the
    -- old table has, which is attached instead of built. Indexes that cannot
    -- live on the parent (unique without seq: event_id) stay on the partition.
    for r in select c.conname, pg_get_constraintdef(c.oid) as def from pg_constraint c
             where c.conrelid = v_old and c.contype = 'p' loop
      execute format('alter table public.audit_events add constraint %I %s', r.conname, r.def);
    end loop;
    for r in select regexp_replace(pg_get_indexdef(i.indexrelid), ' ON \S+ USING ', ' ON public.audit_events USING ') as def
             from pg_index i where i.indrelid = v_old and not i.indisprimary and not i.indisunique loop
      execute r.def;
    end loop;

    -- Statistics targets (session_id's larger sample) hold for the parent and its partitions.
    for r in select attname, attstattarget from pg_attribute where attrelid = v_old and attnum > 0 and not attisdropped and attstattarget > 0 loop
      execute format('alter table public.audit_events alter column %I set statistics %s', r.attname, r.attstattarget);
    end loop;

    create trigger audit_events_append_only before update or delete on public.audit_events
      for each row execute function flowtrail_refuse_change();
    create trigger audit_events_no_truncate before truncate on public.audit_events
      for each statement execute function flowtrail_refuse_change();

    -- Whoever could read or insert the log still can, through the parent only.
    for r in select a.grantee::regrole::text as grantee, a.privilege_type
             from pg_class c, aclexplode(c.relacl) a
             where c.oid = v_old and a.grantee <> c.relowner and a.grantee <> 0 loop
      execute format('grant %s on public.audit_events to %s', r.privilege_type, r.grantee);
      execute format('revoke all on %s from %s', v_old, r.grantee);
    end loop;
  elsif (select relkind from pg_class where oid = 'public.audit_events'::regclass) <> 'p' then
    raise exception 'public.audit_events is neither a table nor a partitioned table';
  end if;

  -- Partitions ahead of the log's end, each with its own unique event_id and TRUNCATE trigger.
  select coalesce(max((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''?(\d+)''?\)'))[1]::bigint), 0) into v_end
    from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'public.audit_events'::regclass;
  while v_end < v_size + v_ahead::bigint * v_width loop
    v_name := format('audit_events_%s', lpad(v_end::text, 12, '0'));
    execute format('create table flowtrail_log.%I partition of public.audit_events for values from (%s) to (%s)', v_name, v_end, v_end + v_width);
    execute format('alter table flowtrail_log.%I add unique (event_id)', v_name);
    execute format('create trigger audit_events_no_truncate before truncate on flowtrail_log.%I for each statement execute function flowtrail_refuse_change()', v_name);
    v_end := v_end + v_width;
  end loop;
end
$$;
