-- Evidence packs produced by the schedule (src/jobs/schedule-reports.ts), kept
-- for auditors to list and download. One pack per framework, period and
-- format: a second replica or a re-run after a crash finds it there and does
-- not store it twice.
create table evidence_packs (
  id bigserial primary key,
  framework text not null,
  period_from timestamptz not null,
  period_to timestamptz not null,
  format text not null check (format in ('html', 'pdf', 'oscal')),
  filename text not null,
  content_type text not null,
  content bytea not null,
  sha256 text not null,
  tree_size bigint not null,
  produced_by text not null,
  created_at timestamptz not null default now(),
  unique (framework, period_from, period_to, format)
);
create index evidence_packs_created on evidence_packs (created_at desc, id desc);
