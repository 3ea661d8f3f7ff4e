-- Anomaly detection (src/anomalies/, docs/alerts.md).
--
-- The detectors judge time by when the log recorded an event (recorded_at, the
-- server's clock), never by the sender's occurred_at. They read the starts and
-- endings of sessions of a time range: this index holds only those four types
-- (a few rows per session), by type and recorded time, with the session id so
-- that the range is read from the index alone.
create index audit_events_lifecycle_recorded on audit_events (type, recorded_at) include (session_id)
  where type in ('duo_flow_started', 'duo_flow_completed', 'duo_flow_failed', 'duo_flow_stopped');

-- The alerts' partial index names every alert type (a test checks it): the anomalies join them.
drop index audit_events_alerts;
create index audit_events_alerts on audit_events (type, occurred_at)
  where type in ('duo_flow_untraced_agent_commit', 'duo_flow_unknown_session_reference', 'duo_flow_push_rejected',
                 'duo_flow_lifecycle_violation', 'duo_flow_authorization_unverified', 'duo_flow_separation_of_duties_violation',
                 'duo_flow_anomaly_detected');
