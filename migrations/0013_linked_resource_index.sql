-- Which sessions a commit or merge request belongs to (GET /api/v1/sessions?commit_sha= or
-- ?merge_request=, GraphQL duoFlowSessions(commitSha:, mergeRequest:)): the resource id of every
-- duo_flow_resource_linked leaf. text_pattern_ops serves a SHA prefix (a byte-order range) as
-- well as equality (a merge request's iid).
create index audit_events_linked_resource on audit_events ((leaf::jsonb->'data'->>'resource_id') text_pattern_ops)
  where type = 'duo_flow_resource_linked';
