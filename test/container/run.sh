#!/usr/bin/env bash
# npm run test:container: builds the Dockerfile as it is over a local base image,
# runs the image against the machine's PostgreSQL (owner and service roles,
# `migrate` then `serve`) and on its embedded database (a volume, read-only root
# filesystem), checks each with test/container/smoke.mjs, stops each with
# SIGTERM (exit 0 within the grace period), then lints, renders and validates
# the Helm chart (test/container/helm-check.sh). Any failed step stops the run
# with exit 1. Needs podman, runc and mmdebstrap (apt-get install -y podman runc
# mmdebstrap), PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and the npm
# registry. The base images are cached in $FLOWTRAIL_CONTAINER_CACHE.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=test/container
t0=$(date +%s)
step() { echo "== [$(( $(date +%s) - t0 ))s] $*"; }
die() { echo "test:container: FAILED: $*" >&2; exit 1; }

for tool in podman runc mmdebstrap psql openssl; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y podman runc mmdebstrap postgresql-client openssl)"
done
# shellcheck source=podman-env.sh
source "$HERE/podman-env.sh"
podman_env

IMAGE=localhost/flowtrail:test
RUN_ID=$(openssl rand -hex 4)
SHUTDOWN_TIMEOUT_S=25
GRACE_S=$(( SHUTDOWN_TIMEOUT_S + 5 ))
PG_ADMIN=postgres://postgres@127.0.0.1:5432/postgres
DB=flowtrail_ct_$RUN_ID OWNER=flowtrail_ct_owner_$RUN_ID SERVICE=flowtrail_ct_service_$RUN_ID
OWNER_PW=$(openssl rand -hex 16) SERVICE_PW=$(openssl rand -hex 16)
VOLUME=flowtrail-ct-data-$RUN_ID
CONTAINERS=()

cleanup() {
  local c
  for c in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  psql -q "$PG_ADMIN" -c "drop database if exists $DB with (force)" -c "drop role if exists $SERVICE" -c "drop role if exists $OWNER" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# podman without systemd says on every run with a HEALTHCHECK that it cannot add a timer for it; the harness runs it by hand.
podman() { command podman "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
new_token() { echo "ftk_$(openssl rand -base64 30 | tr '+/' '-_')"; }

step "base images (cached in $FLOWTRAIL_CONTAINER_CACHE)"
ensure_base_images

step "podman build over $NODE_BASE_IMAGE"
# --format docker keeps HEALTHCHECK (the OCI format has no field for it).
podman build -q --pull=never --format docker --build-arg BASE_IMAGE="$NODE_BASE_IMAGE" -t "$IMAGE" . >/dev/null
user=$(podman image inspect "$IMAGE" --format '{{.Config.User}}')
entrypoint=$(podman image inspect "$IMAGE" --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}')
health=$(podman image inspect "$IMAGE" --format '{{json .Config.Healthcheck.Test}}')
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
base_size=$(podman image inspect "$NODE_BASE_IMAGE" --format '{{.Size}}')
[ "$user" = "10001:10001" ] || die "the image runs as \"$user\", expected 10001:10001"
[ "$entrypoint" = '["/usr/bin/tini","--","flowtrail"] ["serve"]' ] || die "entrypoint and command are $entrypoint"
[[ "$health" == *"/-/health"* ]] || die "no HEALTHCHECK on /-/health: $health"
echo "image $IMAGE: user $user, $entrypoint, $(( size / 1000000 )) MB ($(( (size - base_size) / 1000000 )) MB over the base image)"

step "docker run IMAGE hook ... (the git hooks' entry point)"
msg=$(mktemp -d)
printf 'Fix rounding\n' > "$msg/COMMIT_EDITMSG"
chmod -R a+rwX "$msg"
podman run --rm --read-only -v "$msg:/work" -w /work -e FLOWTRAIL_SESSION_ID=4242 "$IMAGE" hook commit-msg /work/COMMIT_EDITMSG
grep -q '^X-GitLab-Duo-Session: 4242$' "$msg/COMMIT_EDITMSG" || die "hook commit-msg did not add the trailer: $(cat "$msg/COMMIT_EDITMSG")"
rm -rf "$msg"

# Starts a detached container (extra podman args, then the command), records it for cleanup.
start() {
  local name=$1; shift
  CONTAINERS+=("$name")
  podman run -d --name "$name" --read-only --read-only-tmpfs=false --tmpfs /tmp:rw,size=64m,mode=1777 \
    --health-interval=disable "$@" >/dev/null
}

# podman stop sends SIGTERM and waits up to the grace period; 0 within it, or fail.
stop_within_grace() {
  local name=$1 began took code
  began=$(date +%s%N)
  podman stop -t "$GRACE_S" "$name" >/dev/null
  took=$(( ($(date +%s%N) - began) / 1000000 ))
  code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
  [ "$code" = 0 ] || { podman logs "$name" | tail -20; die "$name exited $code after SIGTERM (${took} ms)"; }
  [ "$took" -lt $(( GRACE_S * 1000 )) ] || die "$name took ${took} ms to stop, the grace period is ${GRACE_S} s"
  podman logs "$name" 2>&1 | grep -q 'shutting down' || die "$name logged no shutdown"
  echo "$name: SIGTERM -> exit 0 in ${took} ms (grace ${GRACE_S} s)"
}

step "PostgreSQL: a fresh database $DB with an owner and a service role (deploy/postgres-roles.sql)"
psql -q "$PG_ADMIN" -v ON_ERROR_STOP=1 -v database="$DB" -v owner="$OWNER" -v owner_password="$OWNER_PW" \
  -v service="$SERVICE" -v service_password="$SERVICE_PW" -f deploy/postgres-roles.sql
SERVICE_URL=postgres://$SERVICE:$SERVICE_PW@127.0.0.1:5432/$DB
OWNER_URL=postgres://$OWNER:$OWNER_PW@127.0.0.1:5432/$DB
SIGNING_KEY=$(openssl genpkey -algorithm ed25519) SANITIZER_KEY=$(openssl rand -hex 32)
export FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN FLOWTRAIL_WEBHOOK_SECRET
FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN=$(new_token) FLOWTRAIL_WEBHOOK_SECRET=$(openssl rand -hex 16)

step "docker run IMAGE migrate, as the owner"
# --network host: the container reaches PostgreSQL on the host's 127.0.0.1.
podman run --rm --network host --read-only --image-volume ignore \
  -e FLOWTRAIL_MIGRATION_DATABASE_URL="$OWNER_URL" -e FLOWTRAIL_DATABASE_URL="$SERVICE_URL" "$IMAGE" migrate | tee "$HERE/.migrate.out"
grep -q "\"$SERVICE\" may insert and read the log" "$HERE/.migrate.out" || die "migrate did not set up the service's role"
rm -f "$HERE/.migrate.out"

step "docker run IMAGE (serve) as the service role, read-only root, no /data volume"
port=$(free_port)
# serve only reads the owner's role name from FLOWTRAIL_MIGRATION_DATABASE_URL (it then
# leaves migrating to `migrate`); it never connects with it, so it gets no password.
start ft-ct-pg-"$RUN_ID" --network host --image-volume ignore \
  -e FLOWTRAIL_HOST=127.0.0.1 -e FLOWTRAIL_PORT="$port" -e FLOWTRAIL_PUBLIC_URL=https://flowtrail.example.com \
  -e FLOWTRAIL_DATABASE_URL="$SERVICE_URL" -e FLOWTRAIL_MIGRATION_DATABASE_URL="postgres://$OWNER@127.0.0.1:5432/$DB" \
  -e FLOWTRAIL_SIGNING_KEY="$SIGNING_KEY" -e FLOWTRAIL_SANITIZER_KEY="$SANITIZER_KEY" \
  -e FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN -e FLOWTRAIL_WEBHOOK_SECRET -e FLOWTRAIL_SHUTDOWN_TIMEOUT_S="$SHUTDOWN_TIMEOUT_S" \
  "$IMAGE"
node "$HERE/smoke.mjs" "http://127.0.0.1:$port" || { podman logs ft-ct-pg-"$RUN_ID" | tail -30; die "smoke checks on PostgreSQL"; }
podman healthcheck run ft-ct-pg-"$RUN_ID" >/dev/null || die "the image's HEALTHCHECK failed on PostgreSQL"
podman logs ft-ct-pg-"$RUN_ID" 2>&1 | grep -q 'could change the log' && die "serve warns that its role could change the log"
stop_within_grace ft-ct-pg-"$RUN_ID"
podman run --rm --network host --read-only --image-volume ignore \
  -e FLOWTRAIL_DATABASE_URL="$SERVICE_URL" -e FLOWTRAIL_MIGRATION_DATABASE_URL="postgres://$OWNER@127.0.0.1:5432/$DB" \
  -e FLOWTRAIL_SIGNING_KEY="$SIGNING_KEY" -e FLOWTRAIL_SANITIZER_KEY="$SANITIZER_KEY" "$IMAGE" verify || die "flowtrail verify after the stop"

step "embedded database: volume $VOLUME on /data, read-only root, tmpfs /tmp"
podman volume create "$VOLUME" >/dev/null
port=$(free_port)
start ft-ct-embedded-"$RUN_ID" -v "$VOLUME:/data" -p "127.0.0.1:$port:8080" \
  -e FLOWTRAIL_PUBLIC_URL=https://flowtrail.example.com \
  -e FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN -e FLOWTRAIL_WEBHOOK_SECRET -e FLOWTRAIL_SHUTDOWN_TIMEOUT_S="$SHUTDOWN_TIMEOUT_S" \
  "$IMAGE"
node "$HERE/smoke.mjs" "http://127.0.0.1:$port" || { podman logs ft-ct-embedded-"$RUN_ID" | tail -30; die "smoke checks on the embedded database"; }
podman healthcheck run ft-ct-embedded-"$RUN_ID" >/dev/null || die "the image's HEALTHCHECK failed on the embedded database"
podman exec ft-ct-embedded-"$RUN_ID" flowtrail verify || die "flowtrail verify through the running service"
stop_within_grace ft-ct-embedded-"$RUN_ID"
podman run --rm --read-only -v "$VOLUME:/data" "$IMAGE" verify || die "flowtrail verify of the volume after the stop"

step "Helm chart"
bash "$HERE/helm-check.sh"

step "passed in $(( $(date +%s) - t0 )) s"
