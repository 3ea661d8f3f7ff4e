// The service's effective configuration as it is audited (configuration_changed): each setting
// under the variable that sets it. Plain settings by value; secrets only as set or unset with a
// keyed fingerprint (HMAC-SHA256 under a key derived from the sanitizer key, which the database
// never holds), so a change of secret shows without the secret, nor a hash anyone could test
// guesses against; URLs with their password and query values masked.
import { createHash, createHmac } from 'node:crypto';
import type { Config } from './config.js';

export type SettingValue = string | number | boolean | null | readonly unknown[];
export type EffectiveConfiguration = Record<string, SettingValue>;

const FINGERPRINT_CONTEXT = 'flowtrail configuration fingerprint v1';

export function effectiveConfiguration(config: Config, sanitizerKey: Buffer): EffectiveConfiguration {
  const fingerprintKey = createHmac('sha256', sanitizerKey).update(FINGERPRINT_CONTEXT).digest();
  const secret = (name: string, value: string | undefined): string =>
    value === undefined ? 'unset' : `set (fingerprint ${createHmac('sha256', fingerprintKey).update(`${name}\n${value}`).digest('hex').slice(0, 16)})`;
  const url = (name: string, value: string | undefined): string | null => {
    if (value === undefined) return null;
    const u = new URL(value);
    const hidden = u.password !== '' || [...u.searchParams.keys()].length > 0;
    if (u.password !== '') u.password = '***';
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, '***');
    return hidden ? `${u.toString()} (${secret(name, value)})` : u.toString();
  };
  const { db, http, auth, ingest, gitlab, integrity, sanitizer, streaming, metrics, reports } = config;
  return {
    FLOWTRAIL_DATABASE_URL: url('FLOWTRAIL_DATABASE_URL', db.url) ?? 'unset (embedded database)',
    FLOWTRAIL_MIGRATION_DATABASE_URL: url('FLOWTRAIL_MIGRATION_DATABASE_URL', db.migrationUrl),
    FLOWTRAIL_DATA_DIR: db.dataDir,
    FLOWTRAIL_HOST: http.host,
    FLOWTRAIL_PORT: http.port,
    FLOWTRAIL_PUBLIC_URL: http.publicUrl,
    FLOWTRAIL_MAX_BODY_BYTES: http.maxBodyBytes,
    FLOWTRAIL_SHUTDOWN_TIMEOUT_S: http.shutdownTimeoutSeconds,
    FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: secret('FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN', auth.bootstrapAdminToken),
    FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID: auth.oauth?.clientId ?? null,
    FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET: secret('FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET', auth.oauth?.clientSecret),
    FLOWTRAIL_AUDITOR_GROUP: auth.auditorGroup ?? null,
    FLOWTRAIL_WEB_SESSION_HOURS: auth.webSessionHours,
    FLOWTRAIL_WEBHOOK_SECRET: secret('FLOWTRAIL_WEBHOOK_SECRET', ingest.webhookSecret),
    FLOWTRAIL_WEBHOOK_SIGNING_KEY: secret('FLOWTRAIL_WEBHOOK_SIGNING_KEY', ingest.webhookSigningKey),
    FLOWTRAIL_STREAMING_TOKEN: secret('FLOWTRAIL_STREAMING_TOKEN', ingest.streamingToken),
    FLOWTRAIL_OTLP_PROJECT_MAP: config.otlp.projectMap.map((e) => `${e.key}=${e.project}`),
    FLOWTRAIL_GITLAB_URL: url('FLOWTRAIL_GITLAB_URL', gitlab.url),
    FLOWTRAIL_GITLAB_TOKEN: secret('FLOWTRAIL_GITLAB_TOKEN', gitlab.token),
    FLOWTRAIL_AGENT_USERNAMES: gitlab.agentUsernames,
    FLOWTRAIL_RETENTION_DAYS: config.retention.days,
    FLOWTRAIL_SANITIZER_KEY: secret('FLOWTRAIL_SANITIZER_KEY', sanitizer.key),
    FLOWTRAIL_SANITIZER_PATTERNS: sanitizer.customPatterns.map((p) => `${p.kind}: /${p.pattern}/${p.flags ?? ''}`),
    FLOWTRAIL_SANITIZER_ALLOWLIST: sanitizer.allowlist,
    // The key itself is audited by signing_key_rotated, with its public half.
    FLOWTRAIL_SIGNING_KEY: secret('FLOWTRAIL_SIGNING_KEY', integrity.signingKey),
    FLOWTRAIL_PREVIOUS_SIGNING_KEY: secret('FLOWTRAIL_PREVIOUS_SIGNING_KEY', integrity.previousSigningKey),
    FLOWTRAIL_LOG_ORIGIN: integrity.origin,
    FLOWTRAIL_CHECKPOINT_INTERVAL_SECONDS: integrity.checkpointIntervalSeconds,
    FLOWTRAIL_CHECKPOINT_EVENTS: integrity.checkpointEvents,
    FLOWTRAIL_CHECKPOINT_WITNESSES: integrity.witnesses.map((w) => (w.kind === 'dir' ? `dir:${w.path}` : w.kind === 'git' ? `git:${w.remote}` : url('FLOWTRAIL_CHECKPOINT_WITNESSES', w.url))),
    FLOWTRAIL_LOG_LEVEL: config.log.level,
    FLOWTRAIL_METRICS_TOKEN: secret('FLOWTRAIL_METRICS_TOKEN', metrics.token),
    FLOWTRAIL_METRICS_PORT: metrics.port ?? null,
    FLOWTRAIL_METRICS_HOST: metrics.host,
    FLOWTRAIL_CHROMIUM_PATH: reports.chromiumPath,
    FLOWTRAIL_REPORT_SCHEDULE: reports.schedule,
    FLOWTRAIL_REPORT_FRAMEWORKS: reports.frameworks,
    FLOWTRAIL_REPORT_FORMATS: reports.formats,
    FLOWTRAIL_SECRETS_KEY: secret('FLOWTRAIL_SECRETS_KEY', streaming.secretsKey),
    FLOWTRAIL_STREAM_BATCH_SIZE: streaming.batchSize,
    FLOWTRAIL_STREAM_POLL_MS: streaming.pollMs,
    FLOWTRAIL_STREAM_PAUSE_AFTER_SECONDS: streaming.pauseAfterSeconds,
    FLOWTRAIL_STREAM_MAX_BACKOFF_SECONDS: streaming.maxBackoffSeconds,
    FLOWTRAIL_STREAM_TIMEOUT_SECONDS: streaming.timeoutSeconds,
    ...anomalySettings(config.anomalies),
  };
}

/** The anomaly detectors' thresholds (docs/alerts.md): a changed threshold changes what is raised, so it is audited too. */
function anomalySettings(a: Config['anomalies']): EffectiveConfiguration {
  return {
    FLOWTRAIL_ANOMALY_INTERVAL_SECONDS: a.intervalSeconds,
    FLOWTRAIL_ANOMALY_BASELINE_DAYS: a.baselineDays,
    FLOWTRAIL_ANOMALY_SESSION_RATE_WINDOW_HOURS: a.sessionRate.windowHours,
    FLOWTRAIL_ANOMALY_SESSION_RATE_FACTOR: a.sessionRate.factor,
    FLOWTRAIL_ANOMALY_SESSION_RATE_MIN_SESSIONS: a.sessionRate.minSessions,
    FLOWTRAIL_ANOMALY_SESSION_RATE_MIN_HISTORY_DAYS: a.sessionRate.minHistoryDays,
    FLOWTRAIL_ANOMALY_OFF_HOURS_PERCENT: a.offHours.percent,
    FLOWTRAIL_ANOMALY_OFF_HOURS_MIN_SESSIONS: a.offHours.minSessions,
    FLOWTRAIL_ANOMALY_FAILURE_WINDOW_MINUTES: a.failureBurst.windowMinutes,
    FLOWTRAIL_ANOMALY_FAILURE_MIN_SESSIONS: a.failureBurst.minSessions,
    FLOWTRAIL_ANOMALY_FAILURE_PERCENT: a.failureBurst.percent,
    FLOWTRAIL_ANOMALY_TOKEN_FACTOR: a.tokenSpike.factor,
    FLOWTRAIL_ANOMALY_TOKEN_MIN_TOKENS: a.tokenSpike.minTokens,
    FLOWTRAIL_ANOMALY_TOKEN_MIN_SESSIONS: a.tokenSpike.minSessions,
    FLOWTRAIL_ANOMALY_NEVER_ENDED_HOURS: a.neverEnded.hours,
  };
}

/** SHA-256 of the settings in a fixed order: the same configuration has the same fingerprint on every host. */
export function configurationFingerprint(settings: EffectiveConfiguration): string {
  const ordered = Object.keys(settings).sort().map((k) => [k, settings[k]]);
  return createHash('sha256').update(JSON.stringify(ordered)).digest('hex');
}

/** The settings that differ between two configurations (a setting absent from one counts as null there). */
export function configurationChanges(from: Record<string, unknown> | null, to: EffectiveConfiguration): { setting: string; from: unknown; to: unknown }[] {
  const names = [...new Set([...Object.keys(from ?? {}), ...Object.keys(to)])].sort();
  return names.flatMap((setting) => {
    const a = from?.[setting] ?? null;
    const b = to[setting] ?? null;
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ setting, from: a, to: b }];
  });
}
