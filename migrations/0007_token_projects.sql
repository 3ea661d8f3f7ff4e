-- Ingest tokens limited to projects (flowtrail token create --role ingest --project P).
-- Each entry is a full project path (group/project) or a numeric GitLab project id;
-- null means the token is not limited. Only ingest tokens carry a limit.
alter table api_tokens add column projects text[];
alter table api_tokens add constraint api_tokens_projects_ingest_only
  check (projects is null or (role = 'ingest' and cardinality(projects) > 0));
