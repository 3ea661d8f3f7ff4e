-- Several `serve` processes on one database are one service.
--
-- leases: who does the scheduled work (retention, sweep, job clean-up, the
-- checkpoint timer). A process holds a lease until expires_at and renews it
-- well before; when it dies, another takes it once it has expired. Taking and
-- renewing are one statement each, judged by the database's clock (now()).
create table leases (
  name text primary key,
  holder text not null,
  expires_at timestamptz not null
);

-- scheduled_runs: the last slot (e.g. today 03:17) each daily task was started
-- for and whether that run finished, so a task runs once per slot across
-- replicas and restarts.
create table scheduled_runs (
  name text primary key,
  slot timestamptz not null,
  holder text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz
);

-- A job's claim is a lease too: the worker that claimed it renews locked_until
-- while the handler runs; a job whose lease lapsed (its worker died) is
-- claimed again. Claims made before this migration expire as the old rule
-- said: 300 seconds after locked_at.
alter table jobs add column locked_until timestamptz;
update jobs set locked_until = locked_at + interval '300 seconds' where locked_at is not null;
