-- Tokens that end by themselves: expires_at (null: until revoked). purpose
-- marks tokens flowtrail makes for its own use: 'cli_bridge' is the local
-- admin token that serve leaves in serve.json for the CLI while it holds the
-- embedded database; it lives an hour, is renewed while serve runs, and any
-- left by a crashed serve are revoked at the next start.
alter table api_tokens add column expires_at timestamptz;
alter table api_tokens add column purpose text check (purpose is null or purpose = 'cli_bridge');
create index api_tokens_live_bridge on api_tokens (purpose) where purpose is not null and revoked_at is null;
