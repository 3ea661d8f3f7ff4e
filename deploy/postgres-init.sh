#!/bin/sh
# For the official postgres image's /docker-entrypoint-initdb.d/ (compose.yaml):
# creates flowtrail's database and roles from deploy/postgres-roles.sql with the
# passwords compose passes in, once, when the data volume is new.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v database=flowtrail \
  -v owner=flowtrail_owner -v owner_password="$FLOWTRAIL_OWNER_PASSWORD" \
  -v service=flowtrail_service -v service_password="$FLOWTRAIL_SERVICE_PASSWORD" \
  -f /flowtrail/postgres-roles.sql
