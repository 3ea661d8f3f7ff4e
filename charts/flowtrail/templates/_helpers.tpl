{{- define "flowtrail.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "flowtrail.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "flowtrail.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "flowtrail.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "flowtrail.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "flowtrail.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "flowtrail.secretName" -}}
{{- default (include "flowtrail.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "flowtrail.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "flowtrail.external" -}}
{{- if eq .Values.database.mode "external" }}true{{ end -}}
{{- end -}}

{{/* Refuses values that would make a broken or unsafe installation, with a message saying what to set. */}}
{{- define "flowtrail.validate" -}}
{{- if not .Values.publicUrl -}}
{{- fail "publicUrl is required: the URL GitLab reaches flowtrail at, e.g. https://flowtrail.example.com" -}}
{{- end -}}
{{- if eq .Values.database.mode "embedded" -}}
{{- if ne (int .Values.replicaCount) 1 -}}
{{- fail (printf "database.mode=embedded runs PGlite, which admits one process: replicaCount must be 1 (it is %v); use database.mode=external (PostgreSQL) for more replicas" .Values.replicaCount) -}}
{{- end -}}
{{- if .Values.retentionCronJob.enabled -}}
{{- fail "retentionCronJob needs database.mode=external: the embedded database admits only the server's process" -}}
{{- end -}}
{{- else if not .Values.secrets.existingSecret -}}
{{- if or (not .Values.secrets.databaseUrl) (not .Values.secrets.migrationDatabaseUrl) -}}
{{- fail "database.mode=external needs secrets.databaseUrl (the service's role) and secrets.migrationDatabaseUrl (the owner), or secrets.existingSecret with FLOWTRAIL_DATABASE_URL and FLOWTRAIL_MIGRATION_DATABASE_URL" -}}
{{- end -}}
{{- if or (not .Values.secrets.signingKey) (not .Values.secrets.sanitizerKey) -}}
{{- fail "database.mode=external needs secrets.signingKey and secrets.sanitizerKey (or secrets.existingSecret): every replica must sign with the same key and fingerprint with the same sanitizer key" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.port) (not .Values.secrets.existingSecret) (not .Values.secrets.metricsToken) -}}
{{- fail "metrics.serviceMonitor needs metrics.port or secrets.metricsToken: /metrics is never open on the main port without a token" -}}
{{- end -}}
{{- end -}}

{{/* The secret settings every flowtrail process reads (not the owner's URL). */}}
{{- define "flowtrail.secretEnv" -}}
{{- $secret := include "flowtrail.secretName" . -}}
{{- $external := eq .Values.database.mode "external" -}}
{{- $required := dict "FLOWTRAIL_DATABASE_URL" $external "FLOWTRAIL_SIGNING_KEY" $external "FLOWTRAIL_SANITIZER_KEY" $external -}}
{{- $keys := list "FLOWTRAIL_SIGNING_KEY" "FLOWTRAIL_SANITIZER_KEY" "FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN" "FLOWTRAIL_WEBHOOK_SECRET" "FLOWTRAIL_WEBHOOK_SIGNING_KEY" "FLOWTRAIL_STREAMING_TOKEN" "FLOWTRAIL_GITLAB_TOKEN" "FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET" "FLOWTRAIL_METRICS_TOKEN" -}}
{{- if $external }}{{ $keys = prepend $keys "FLOWTRAIL_DATABASE_URL" }}{{ end -}}
{{- range $keys }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
      optional: {{ not (get $required .) }}
{{- end }}
{{- if $external }}
# Only the owner's role name (no password): serve and the CLI then leave
# migrating to `flowtrail migrate` (the migration Job) and never connect as it.
- name: FLOWTRAIL_MIGRATION_DATABASE_URL
  value: {{ printf "postgres://%s@owner-role-only.invalid/" .Values.database.ownerRole | quote }}
{{- end }}
{{- end -}}

{{- define "flowtrail.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdown.preStopSleepSeconds .Values.shutdown.timeoutSeconds 5 -}}
{{- end -}}
