-- flowtrail's database and its two roles, run once by a PostgreSQL superuser:
--   psql -v ON_ERROR_STOP=1 -v database=flowtrail \
--        -v owner=flowtrail_owner -v owner_password=... \
--        -v service=flowtrail_service -v service_password=... -f deploy/postgres-roles.sql
-- The owner owns the database and its tables and is used only by
-- `flowtrail migrate` (FLOWTRAIL_MIGRATION_DATABASE_URL); migrate then gives
-- the service's role (FLOWTRAIL_DATABASE_URL) insert and read on the log and
-- nothing that could rewrite it (docs/security.md, "The database roles").
-- compose.yaml runs it through deploy/postgres-init.sh; `npm run test:container`
-- runs it against the machine's PostgreSQL.
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"service" LOGIN PASSWORD :'service_password';
CREATE DATABASE :"database" OWNER :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"service";
