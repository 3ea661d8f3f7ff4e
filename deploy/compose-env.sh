#!/bin/sh
# Prints a new .env for compose.yaml with fresh passwords, keys and tokens:
#   FLOWTRAIL_PUBLIC_URL=https://flowtrail.example.com sh deploy/compose-env.sh > .env && chmod 600 .env
# Keep a copy of FLOWTRAIL_SIGNING_KEY and FLOWTRAIL_SANITIZER_KEY with your
# backups (docs/deploy.md). Add FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN
# to reach GitLab's API. `npm run test:container` makes its .env with this.
set -eu
secret() { openssl rand -hex 24; }
token() { printf 'ftk_%s' "$(openssl rand -base64 30 | tr '+/' '-_')"; }
echo "FLOWTRAIL_PUBLIC_URL=${FLOWTRAIL_PUBLIC_URL:?set FLOWTRAIL_PUBLIC_URL, e.g. https://flowtrail.example.com}"
echo "POSTGRES_PASSWORD=$(secret)"
echo "FLOWTRAIL_OWNER_PASSWORD=$(secret)"
echo "FLOWTRAIL_SERVICE_PASSWORD=$(secret)"
# One line: the PEM's line breaks as \n (flowtrail reads them back).
printf "FLOWTRAIL_SIGNING_KEY='%s'\n" "$(openssl genpkey -algorithm ed25519 | awk '{ printf "%s\\n", $0 }')"
echo "FLOWTRAIL_SANITIZER_KEY=$(openssl rand -hex 32)"
echo "FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN=$(token)"
echo "FLOWTRAIL_WEBHOOK_SECRET=$(secret)"
echo "FLOWTRAIL_STREAMING_TOKEN=$(secret)"
