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

for tool in podman runc mmdebstrap psql openssl systemd-analyze; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install -y podman runc mmdebstrap postgresql-client openssl)"
done
# shellcheck source=podman-env.sh
source "$HERE/podman-env.sh"
podman_env

IMAGE=localhost/flowtrail:test
RUN_ID=$(openssl rand -hex 4)
SHUTDOWN_TIMEOUT_S=25
PG_ADMIN=postgres://postgres@127.0.0.1:5432/postgres
DB=flowtrail_ct_$RUN_ID OWNER=flowtrail_ct_owner_$RUN_ID SERVICE=flowtrail_ct_service_$RUN_ID
VOLUME=flowtrail-ct-data-$RUN_ID
CONTAINERS=() VOLUMES=()
LOGS=$(mktemp)

cleanup() {
  local c
  for c in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  for c in "${VOLUMES[@]}"; do podman volume rm -f "$c" >/dev/null 2>&1 || true; done
  rm -f "$LOGS"
  psql -q "$PG_ADMIN" -c "drop database if exists $DB with (force)" -c "drop role if exists $SERVICE" -c "drop role if exists $OWNER" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# podman without systemd says on every run with a HEALTHCHECK that it cannot add a timer for it; the harness runs it by hand.
podman() { command podman "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

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
# The driver patch (patches/) must be in the image, not only in the checkout.
podman run --rm --read-only --entrypoint node "$IMAGE" -e "process.exit(require('fs').readFileSync('node_modules/postgres/src/connection.js','utf8').includes('flowtrail patch')?0:1)" \
  || die "the image's postgres driver lacks patches/postgres+3.4.9.patch"
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
  podman run -d --name "$name" --health-interval=disable "$@" >/dev/null
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
  podman logs "$name" >"$LOGS" 2>&1
  grep -q 'shutting down' "$LOGS" || { tail -20 "$LOGS"; die "$name logged no shutdown"; }
  echo "$name: SIGTERM -> exit 0 in ${took} ms (grace ${GRACE_S} s)"
}

step "compose.yaml on the machine's PostgreSQL: .env from deploy/compose-env.sh, roles from deploy/postgres-roles.sql"
ENV_FILE=$(mktemp)
FLOWTRAIL_PUBLIC_URL=https://flowtrail.example.com sh deploy/compose-env.sh >"$ENV_FILE"
set -a; . "$ENV_FILE"; set +a
rm -f "$ENV_FILE"
psql -q "$PG_ADMIN" -v ON_ERROR_STOP=1 -v database="$DB" -v owner="$OWNER" -v owner_password="$FLOWTRAIL_OWNER_PASSWORD" \
  -v service="$SERVICE" -v service_password="$FLOWTRAIL_SERVICE_PASSWORD" -f deploy/postgres-roles.sql
# compose.yaml's services with this run's role and database names; its postgres
# service is the machine's PostgreSQL (--network host, "postgres" is 127.0.0.1).
# --image-volume ignore: no volume on /data unless the service names one, so a
# write outside its volumes fails on the read-only root.
RENAME=(--rename flowtrail_owner="$OWNER" --rename flowtrail_service="$SERVICE" --rename @postgres:5432/flowtrail=@postgres:5432/"$DB" --volume-prefix "$VOLUME-")
compose_args() { node "$HERE/compose-args.mjs" "$1" "$2" "${RENAME[@]}"; }
mapfile -t MIGRATE_FLAGS < <(compose_args flags migrate) && mapfile -t MIGRATE_CMD < <(compose_args command migrate)
mapfile -t SERVE_FLAGS < <(compose_args flags flowtrail) && mapfile -t SERVE_CMD < <(compose_args command flowtrail)
[ "${#MIGRATE_FLAGS[@]}" -gt 0 ] && [ "${MIGRATE_CMD[*]}" = migrate ] && [ "${SERVE_CMD[*]}" = serve ] || die "compose.yaml's migrate and flowtrail services could not be read"
GRACE_S=$(compose_args grace flowtrail)
[ "$GRACE_S" -ge $(( SHUTDOWN_TIMEOUT_S + 5 )) ] || die "compose.yaml's stop_grace_period ${GRACE_S}s is shorter than FLOWTRAIL_SHUTDOWN_TIMEOUT_S + 5"

step "compose migrate: flowtrail migrate as the owner"
podman run --rm --network host --add-host postgres:127.0.0.1 --image-volume ignore "${MIGRATE_FLAGS[@]}" "$IMAGE" "${MIGRATE_CMD[@]}" | tee "$LOGS"
grep -q "\"$SERVICE\" may insert and read the log" "$LOGS" || die "migrate did not set up the service's role"

step "compose flowtrail: serve as the service role, read-only root"
port=$(free_port)
start ft-ct-pg-"$RUN_ID" --network host --add-host postgres:127.0.0.1 --image-volume ignore "${SERVE_FLAGS[@]}" \
  -e FLOWTRAIL_HOST=127.0.0.1 -e FLOWTRAIL_PORT="$port" "$IMAGE" "${SERVE_CMD[@]}"
node "$HERE/smoke.mjs" "http://127.0.0.1:$port" || { podman logs ft-ct-pg-"$RUN_ID" | tail -30; die "smoke checks on PostgreSQL"; }
podman healthcheck run ft-ct-pg-"$RUN_ID" >/dev/null || die "the image's HEALTHCHECK failed on PostgreSQL"
podman logs ft-ct-pg-"$RUN_ID" >"$LOGS" 2>&1
grep -q 'could change the log' "$LOGS" && die "serve warns that its role could change the log"
stop_within_grace ft-ct-pg-"$RUN_ID"
step "docker compose run --rm flowtrail verify (as after a restore)"
podman run --rm --network host --add-host postgres:127.0.0.1 --image-volume ignore "${SERVE_FLAGS[@]}" "$IMAGE" verify || die "flowtrail verify after the stop"

step "docker run on the embedded database (docs/deploy.md): a volume on /data, read-only root, tmpfs /tmp"
GRACE_S=$(( SHUTDOWN_TIMEOUT_S + 5 ))
VOLUMES+=("$VOLUME")
port=$(free_port)
start ft-ct-embedded-"$RUN_ID" --read-only --read-only-tmpfs=false --tmpfs /tmp -v "$VOLUME:/data" -p "127.0.0.1:$port:8080" \
  -e FLOWTRAIL_PUBLIC_URL=https://flowtrail.example.com -e FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN -e FLOWTRAIL_WEBHOOK_SECRET \
  "$IMAGE"
node "$HERE/smoke.mjs" "http://127.0.0.1:$port" || { podman logs ft-ct-embedded-"$RUN_ID" | tail -30; die "smoke checks on the embedded database"; }
podman healthcheck run ft-ct-embedded-"$RUN_ID" >/dev/null || die "the image's HEALTHCHECK failed on the embedded database"
podman exec ft-ct-embedded-"$RUN_ID" flowtrail verify || die "flowtrail verify through the running service"
stop_within_grace ft-ct-embedded-"$RUN_ID"
podman run --rm --read-only -v "$VOLUME:/data" "$IMAGE" verify || die "flowtrail verify of the volume after the stop"

step "systemd units (deploy/*.service): systemd-analyze verify and security"
for unit in deploy/flowtrail.service deploy/flowtrail-migrate.service; do
  out=$(systemd-analyze verify "$unit" 2>&1) || die "systemd-analyze verify $unit: $out"
  [ -z "$out" ] || die "systemd-analyze verify $unit: $out"
  exposure=$(systemd-analyze security --offline=yes "$unit" 2>&1 | sed -n 's/.*Overall exposure level for [a-z.-]*: \([0-9.]*\).*/\1/p')
  echo "$unit: exposure $exposure (systemd-analyze security)"
  awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 4.0) }' || die "$unit: exposure \"$exposure\" is above 4.0"
done

step "Helm chart"
bash "$HERE/helm-check.sh"

step "passed in $(( $(date +%s) - t0 )) s"
