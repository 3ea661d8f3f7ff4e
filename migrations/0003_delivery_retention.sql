-- Stored webhook deliveries follow the audit retention (FLOWTRAIL_RETENTION_DAYS):
-- the daily purge deletes those received before the cutoff. Rows arrive in
-- received_at order, so a BRIN index finds them without a full scan and costs
-- the webhook intake next to nothing (a B-tree would be updated on every insert).
create index deliveries_received_at on deliveries using brin (received_at);
