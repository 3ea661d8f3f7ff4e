// loadConfig is the only place that reads the environment. It is pure: it
// takes the variables as an argument, collects every problem, and throws them
// as one line so that a bad start-up names each variable at once.
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { createEnvReader, type Env, type EnvReader } from './env-reader.js';
import { WEBHOOK_KEY_PATTERN } from './integrity/index.js';

export type HookMode = 'enforce' | 'warn' | 'off';
export type HookOnError = 'reject' | 'allow';
export type HookUnknownPusher = 'reject' | 'authors';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** One place checkpoints are copied to: a directory, an HTTP endpoint or a git repository. */
export type WitnessSpec = { readonly kind: 'dir'; readonly path: string } | { readonly kind: 'http'; readonly url: string } | { readonly kind: 'git'; readonly remote: string };

export interface CustomPattern {
  kind: string;
  pattern: string;
  flags?: string;
}

export interface Config {
  readonly db: {
    readonly url?: string;
    /** The tables' owner, for `flowtrail migrate` only; when set, `url` is the service's insert-and-read role. */
    readonly migrationUrl?: string;
    readonly dataDir: string;
  };
  readonly http: {
    readonly host: string; readonly port: number; readonly publicUrl: string; readonly maxBodyBytes: number;
    /** How long `serve` may take to shut down after SIGTERM before it exits non-zero, saying what was left. */
    readonly shutdownTimeoutSeconds: number;
  };
  readonly auth: {
    readonly bootstrapAdminToken?: string;
    /** GitLab OAuth application for signing in to the pages (authorization code with PKCE). */
    readonly oauth?: { readonly clientId: string; readonly clientSecret: string };
    /** Full path of the GitLab group whose members sign in as auditors. */
    readonly auditorGroup?: string;
    /** How long a browser session lasts. */
    readonly webSessionHours: number;
  };
  readonly ingest: {
    readonly webhookSecret?: string;
    readonly webhookSigningKey?: string;
    readonly streamingToken?: string;
  };
  /** POST /v1/traces: FLOWTRAIL_OTLP_PROJECT_MAP, service names or repository URLs (or `*`) to GitLab project paths. */
  readonly otlp: {
    readonly projectMap: readonly { readonly key: string; readonly project: string }[];
    /** FLOWTRAIL_OTLP_PENDING_HOURS: how long a span waits for its session span before the daily sweep drops it (and records that). */
    readonly pendingHours: number;
    /** FLOWTRAIL_OTLP_AGENT_IDENTITIES: per OTLP agent name (lower case), the git identities (username patterns) that commit for it. */
    readonly agentIdentities: readonly { readonly agent: string; readonly patterns: readonly string[] }[];
  };
  readonly gitlab: { readonly url?: string; readonly token?: string; readonly agentUsernames: readonly string[] };
  readonly retention: { readonly days: number };
  readonly sanitizer: {
    readonly key?: string;
    readonly customPatterns: readonly CustomPattern[];
    readonly allowlist: readonly string[];
  };
  readonly integrity: {
    readonly signingKey?: string;
    /** FLOWTRAIL_PREVIOUS_SIGNING_KEY: the key being retired, so that it signs a handover checkpoint over the rotation. */
    readonly previousSigningKey?: string;
    /** The origin a new log takes (an existing log keeps the one it was created with). */
    readonly origin: string;
    /** Whether FLOWTRAIL_LOG_ORIGIN set it: then it must match the log's. */
    readonly originExplicit: boolean;
    readonly checkpointIntervalSeconds: number;
    readonly checkpointEvents: number;
    /** Where each signed checkpoint is copied: FLOWTRAIL_CHECKPOINT_WITNESSES, FLOWTRAIL_CHECKPOINT_DIR, FLOWTRAIL_CHECKPOINT_URL. */
    readonly witnesses: readonly WitnessSpec[];
  };
  readonly hook: {
    readonly url?: string; readonly token?: string; readonly mode: HookMode; readonly onError: HookOnError; readonly timeoutMs: number;
    /** Where the pre-receive hook keeps decisions it could not report (default: $XDG_STATE_HOME/flowtrail/hook-spool, else ~/.local/state/...; undefined for a user without a home). */
    readonly spoolDir?: string;
    /** A push without GL_USERNAME and GL_ID (not through Gitaly): refuse it, or judge its commits by their authors only. */
    readonly unknownPusher: HookUnknownPusher;
  };
  readonly log: { readonly level: LogLevel };
  /** Evidence packs: where Chromium is (PDF only), and the scheduled packs. */
  readonly reports: {
    readonly chromiumPath: string;
    readonly schedule: ReportSchedule;
    readonly frameworks: readonly ReportFramework[];
    readonly formats: readonly ReportFormat[];
  };
  /** Streaming destinations (SIEM): the key their tokens are sealed with, and the delivery loop's pace. */
  readonly streaming: {
    /** FLOWTRAIL_SECRETS_KEY (32 bytes, hex or base64); when absent the key is derived from the sanitizer key. */
    readonly secretsKey?: string;
    readonly batchSize: number;
    readonly pollMs: number;
    readonly pauseAfterSeconds: number;
    readonly maxBackoffSeconds: number;
    readonly timeoutSeconds: number;
    /** Reads the variable an `env:NAME` destination token names, at the time of sending (so a rotated value is picked up on restart). */
    readonly readTokenVariable: (name: string) => string | undefined;
  };
  /** Where each new alert is announced: a chat-compatible webhook (signed) and/or an issue in a GitLab project. */
  readonly alertNotifications: {
    readonly webhookUrl?: string;
    /** The Standard Webhooks key (`whsec_...`) the webhook's deliveries are signed with. */
    readonly webhookSecret?: string;
    /** The GitLab project (id or full path) alerts are opened in as issues, with FLOWTRAIL_GITLAB_URL and _TOKEN. */
    readonly issueProject?: string;
    readonly issueLabels: readonly string[];
    readonly timeoutSeconds: number;
    readonly maxBackoffSeconds: number;
  };
  /** The anomaly detectors (src/anomalies/, docs/alerts.md): how often they run and their thresholds. */
  readonly anomalies: AnomalySettings;
  /** Who may read /metrics: FLOWTRAIL_METRICS_TOKEN and/or its own listen address; with neither, an admin or auditor API token. */
  readonly metrics: { readonly token?: string; readonly port?: number; readonly host: string };
}

/** Thresholds of the anomaly detectors; docs/alerts.md gives each default its reason. */
export interface AnomalySettings {
  /** How often the process holding the scheduler lease runs the detectors; 0: never. */
  readonly intervalSeconds: number;
  /** How far back a baseline reaches (days before the window judged). */
  readonly baselineDays: number;
  readonly sessionRate: { readonly windowHours: number; readonly minHistoryDays: number; readonly minSessions: number; readonly factor: number };
  readonly offHours: { readonly minSessions: number; readonly percent: number };
  readonly failureBurst: { readonly windowMinutes: number; readonly minSessions: number; readonly percent: number };
  readonly tokenSpike: { readonly minSessions: number; readonly minTokens: number; readonly factor: number };
  readonly neverEnded: { readonly hours: number };
}

export const REPORT_FRAMEWORKS = ['soc2', 'iso27001', 'iso42001', 'fedramp', 'eu-ai-act'] as const;
export type ReportFramework = (typeof REPORT_FRAMEWORKS)[number];
export const REPORT_FORMATS = ['html', 'pdf', 'oscal'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type ReportSchedule = 'monthly' | 'weekly' | 'off';

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const TOKEN_PATTERN = /^ftk_[A-Za-z0-9_-]{40}$/;

/** The whole configuration: each capability's settings are read by its own function below, which reports its problems to the reader. */
export function loadConfig(env: Env = {}): Config {
  const r = createEnvReader(env);
  const http = httpSettings(r);
  const gitlab = gitlabSettings(r);
  const config: Config = {
    db: dbSettings(r),
    http,
    auth: authSettings(r, gitlab),
    ingest: ingestSettings(r),
    otlp: { projectMap: otlpProjectMap(r), pendingHours: r.int('FLOWTRAIL_OTLP_PENDING_HOURS', 24, 1, 24 * 90), agentIdentities: otlpAgentIdentities(r) },
    gitlab,
    retention: { days: r.int('FLOWTRAIL_RETENTION_DAYS', 365, 1, 36500) },
    sanitizer: {
      key: r.secret('FLOWTRAIL_SANITIZER_KEY', 32),
      customPatterns: r.jsonList('FLOWTRAIL_SANITIZER_PATTERNS', isCustomPattern),
      allowlist: r.jsonList('FLOWTRAIL_SANITIZER_ALLOWLIST', (v): v is string => typeof v === 'string'),
    },
    integrity: integritySettings(r, http.publicUrl),
    hook: hookSettings(r),
    log: { level: r.oneOf<LogLevel>('FLOWTRAIL_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info') },
    metrics: metricsSettings(r, http),
    reports: reportSettings(r),
    streaming: streamingSettings(r),
    alertNotifications: alertNotificationSettings(r, gitlab),
    anomalies: anomalySettings(r),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function httpSettings(r: EnvReader): Config['http'] {
  const host = r.get('FLOWTRAIL_HOST') ?? '127.0.0.1';
  const port = r.int('FLOWTRAIL_PORT', 8080, 0, 65535);
  const publicUrl = r.url('FLOWTRAIL_PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    host, port, publicUrl,
    maxBodyBytes: r.int('FLOWTRAIL_MAX_BODY_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    shutdownTimeoutSeconds: r.int('FLOWTRAIL_SHUTDOWN_TIMEOUT_S', 25, 1, 3600),
  };
}

function dbSettings(r: EnvReader): Config['db'] {
  const url = r.url('FLOWTRAIL_DATABASE_URL', ['postgres:', 'postgresql:']);
  const migrationUrl = r.url('FLOWTRAIL_MIGRATION_DATABASE_URL', ['postgres:', 'postgresql:']);
  if (migrationUrl !== undefined && url === undefined) r.problems.push('FLOWTRAIL_MIGRATION_DATABASE_URL needs FLOWTRAIL_DATABASE_URL (the role the service connects as)');
  if (migrationUrl !== undefined && url !== undefined && roleOf(migrationUrl) === roleOf(url)) {
    r.problems.push('FLOWTRAIL_MIGRATION_DATABASE_URL and FLOWTRAIL_DATABASE_URL name the same role; the service must connect as another role than the owner');
  }
  return { url, migrationUrl, dataDir: r.get('FLOWTRAIL_DATA_DIR') ?? './flowtrail-data' };
}

function gitlabSettings(r: EnvReader): Config['gitlab'] {
  const url = r.url('FLOWTRAIL_GITLAB_URL');
  const token = r.get('FLOWTRAIL_GITLAB_TOKEN');
  if ((url === undefined) !== (token === undefined)) r.problems.push('FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN must be set together');
  const agentUsernames = (r.get('FLOWTRAIL_AGENT_USERNAMES') ?? 'duo-developer*,ai-*')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const p of agentUsernames) {
    if (!/^[A-Za-z0-9_.*?-]+$/.test(p)) r.problems.push(`FLOWTRAIL_AGENT_USERNAMES has an invalid pattern "${p}"`);
  }
  return { url, token, agentUsernames };
}

/** Sign-in settings; OAuth and the auditor group need the GitLab connection. */
function authSettings(r: EnvReader, gitlab: Config['gitlab']): Config['auth'] {
  const bootstrapAdminToken = r.get('FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN');
  if (bootstrapAdminToken !== undefined && !TOKEN_PATTERN.test(bootstrapAdminToken)) {
    r.problems.push('FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN must be "ftk_" followed by 40 url-safe characters');
  }
  const oauthId = r.get('FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID');
  const oauthSecret = r.get('FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET');
  if ((oauthId === undefined) !== (oauthSecret === undefined)) r.problems.push('FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID and FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET must be set together');
  if (oauthId !== undefined && gitlab.url === undefined) r.problems.push('FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID needs FLOWTRAIL_GITLAB_URL (and FLOWTRAIL_GITLAB_TOKEN)');
  const oauth = oauthId !== undefined && oauthSecret !== undefined ? { clientId: oauthId, clientSecret: oauthSecret } : undefined;
  const auditorGroup = r.get('FLOWTRAIL_AUDITOR_GROUP');
  if (auditorGroup !== undefined && gitlab.token === undefined) r.problems.push('FLOWTRAIL_AUDITOR_GROUP needs FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN (membership is read with the bot token)');
  return { bootstrapAdminToken, oauth, auditorGroup, webSessionHours: r.int('FLOWTRAIL_WEB_SESSION_HOURS', 8, 1, 720) };
}

function ingestSettings(r: EnvReader): Config['ingest'] {
  const webhookSigningKey = r.get('FLOWTRAIL_WEBHOOK_SIGNING_KEY');
  if (webhookSigningKey !== undefined && !WEBHOOK_KEY_PATTERN.test(webhookSigningKey)) {
    r.problems.push('FLOWTRAIL_WEBHOOK_SIGNING_KEY must be a "whsec_" key followed by base64');
  }
  return { webhookSecret: r.secret('FLOWTRAIL_WEBHOOK_SECRET', 8), webhookSigningKey, streamingToken: r.secret('FLOWTRAIL_STREAMING_TOKEN', 8) };
}

/** FLOWTRAIL_OTLP_PROJECT_MAP: `key=group/project` pairs separated by commas; a key is a service.name, a repository URL or `*`. */
function otlpProjectMap(r: EnvReader): Config['otlp']['projectMap'] {
  const raw = r.get('FLOWTRAIL_OTLP_PROJECT_MAP');
  if (raw === undefined) return [];
  const entries: { key: string; project: string }[] = [];
  for (const pair of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const at = pair.lastIndexOf('=');
    const key = pair.slice(0, at).trim();
    const project = pair.slice(at + 1).trim();
    if (at <= 0 || !/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+$/.test(project)) {
      r.problems.push(`FLOWTRAIL_OTLP_PROJECT_MAP has an invalid entry "${pair}" (write key=group/project, separated by commas)`);
      continue;
    }
    entries.push({ key, project });
  }
  return entries;
}

/**
 * FLOWTRAIL_OTLP_AGENT_IDENTITIES: `agent name=pattern,pattern` entries separated by semicolons. The
 * agent name is the OTLP session's agent (gen_ai.agent.name, else the workflow or service name), compared
 * without regard to case; the patterns are git identities as FLOWTRAIL_AGENT_USERNAMES writes them.
 */
function otlpAgentIdentities(r: EnvReader): Config['otlp']['agentIdentities'] {
  const raw = r.get('FLOWTRAIL_OTLP_AGENT_IDENTITIES');
  if (raw === undefined) return [];
  const entries: { agent: string; patterns: string[] }[] = [];
  for (const entry of raw.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
    const at = entry.lastIndexOf('=');
    const agent = entry.slice(0, at).trim();
    const patterns = entry.slice(at + 1).split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (at <= 0 || agent === '' || patterns.length === 0 || patterns.some((p) => !/^[A-Za-z0-9_.*?-]+$/.test(p))) {
      r.problems.push(`FLOWTRAIL_OTLP_AGENT_IDENTITIES has an invalid entry "${entry}" (write agent name=pattern,pattern; entries separated by semicolons; patterns of A-Z a-z 0-9 _ . - * ?)`);
      continue;
    }
    entries.push({ agent: agent.toLowerCase(), patterns });
  }
  return entries;
}

/** The log's signing key, origin (by default from the public URL's host), checkpoint policy and sinks. */
function integritySettings(r: EnvReader, publicUrl: string): Config['integrity'] {
  const pem = (name: string) => {
    const value = r.get(name)?.replace(/\\n/g, '\n');
    if (value !== undefined && !value.includes('-----BEGIN PRIVATE KEY-----')) r.problems.push(`${name} must be an Ed25519 private key in PKCS#8 PEM`);
    return value;
  };
  const signingKey = pem('FLOWTRAIL_SIGNING_KEY');
  const previousSigningKey = pem('FLOWTRAIL_PREVIOUS_SIGNING_KEY');
  return {
    signingKey,
    previousSigningKey,
    origin: r.get('FLOWTRAIL_LOG_ORIGIN') ?? `flowtrail/${new URL(publicUrl).hostname}`,
    originExplicit: r.get('FLOWTRAIL_LOG_ORIGIN') !== undefined,
    checkpointIntervalSeconds: r.int('FLOWTRAIL_CHECKPOINT_INTERVAL_SECONDS', 60, 1, 86400),
    checkpointEvents: r.int('FLOWTRAIL_CHECKPOINT_EVENTS', 10000, 1, 10_000_000),
    witnesses: witnessSettings(r),
  };
}

/**
 * FLOWTRAIL_CHECKPOINT_WITNESSES, comma-separated: `dir:/absolute/path`, an http(s) URL, or
 * `git:<path or URL>`; FLOWTRAIL_CHECKPOINT_DIR and FLOWTRAIL_CHECKPOINT_URL add one more each.
 */
function witnessSettings(r: EnvReader): WitnessSpec[] {
  const specs: WitnessSpec[] = [];
  for (const item of (r.get('FLOWTRAIL_CHECKPOINT_WITNESSES') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (item.startsWith('dir:') && isAbsolute(item.slice(4))) specs.push({ kind: 'dir', path: item.slice(4) });
    else if (item.startsWith('git:') && item.length > 4) specs.push({ kind: 'git', remote: item.slice(4) });
    else if (/^https?:\/\//.test(item) && URL.canParse(item)) specs.push({ kind: 'http', url: item });
    else r.problems.push(`FLOWTRAIL_CHECKPOINT_WITNESSES: "${item.slice(0, 80)}" must be dir:/absolute/path, an http(s) URL or git:<path or URL>`);
  }
  const dir = r.get('FLOWTRAIL_CHECKPOINT_DIR');
  const url = r.url('FLOWTRAIL_CHECKPOINT_URL');
  if (dir !== undefined) specs.push({ kind: 'dir', path: dir });
  if (url !== undefined) specs.push({ kind: 'http', url });
  return specs.filter((s, i) => specs.findIndex((o) => JSON.stringify(o) === JSON.stringify(s)) === i);
}

/** What the git hooks read (they run on the GitLab server, with their own environment). */
function hookSettings(r: EnvReader): Config['hook'] {
  return {
    url: r.url('FLOWTRAIL_URL'),
    token: r.get('FLOWTRAIL_TOKEN'),
    mode: r.oneOf<HookMode>('FLOWTRAIL_HOOK_MODE', ['enforce', 'warn', 'off'], 'enforce'),
    onError: r.oneOf<HookOnError>('FLOWTRAIL_HOOK_ON_ERROR', ['reject', 'allow'], 'reject'),
    timeoutMs: r.int('FLOWTRAIL_HOOK_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
    spoolDir: hookSpoolDir(r),
    unknownPusher: r.oneOf<HookUnknownPusher>('FLOWTRAIL_HOOK_UNKNOWN_PUSHER', ['reject', 'authors'], 'reject'),
  };
}

/** The sealing key of destination tokens and the pace of the delivery loop. */
function streamingSettings(r: EnvReader): Config['streaming'] {
  const secretsKey = r.get('FLOWTRAIL_SECRETS_KEY');
  if (secretsKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(secretsKey) && Buffer.from(secretsKey, 'base64').length !== 32) {
    r.problems.push('FLOWTRAIL_SECRETS_KEY must be 32 bytes, as 64 hex characters or base64');
  }
  return {
    secretsKey,
    batchSize: r.int('FLOWTRAIL_STREAM_BATCH_SIZE', 500, 1, 10_000),
    pollMs: r.int('FLOWTRAIL_STREAM_POLL_MS', 250, 10, 60_000),
    pauseAfterSeconds: r.int('FLOWTRAIL_STREAM_PAUSE_AFTER_SECONDS', 3600, 0, 30 * 86400),
    maxBackoffSeconds: r.int('FLOWTRAIL_STREAM_MAX_BACKOFF_SECONDS', 60, 1, 3600),
    timeoutSeconds: r.int('FLOWTRAIL_STREAM_TIMEOUT_SECONDS', 30, 1, 600),
    readTokenVariable: (name) => r.get(name),
  };
}

/** FLOWTRAIL_ALERT_WEBHOOK_URL (http or https only) with its signing key, and FLOWTRAIL_ALERT_ISSUE_PROJECT (needs the GitLab connection). */
function alertNotificationSettings(r: EnvReader, gitlab: Config['gitlab']): Config['alertNotifications'] {
  const webhookUrl = r.url('FLOWTRAIL_ALERT_WEBHOOK_URL');
  const webhookSecret = r.get('FLOWTRAIL_ALERT_WEBHOOK_SECRET');
  if (webhookSecret !== undefined && !WEBHOOK_KEY_PATTERN.test(webhookSecret)) {
    r.problems.push('FLOWTRAIL_ALERT_WEBHOOK_SECRET must be a "whsec_" key followed by base64 (e.g. whsec_ and the output of openssl rand -base64 32)');
  }
  if (r.get('FLOWTRAIL_ALERT_WEBHOOK_URL') !== undefined && webhookSecret === undefined) {
    r.problems.push('FLOWTRAIL_ALERT_WEBHOOK_URL needs FLOWTRAIL_ALERT_WEBHOOK_SECRET (a "whsec_" key the deliveries are signed with)');
  }
  if (webhookSecret !== undefined && r.get('FLOWTRAIL_ALERT_WEBHOOK_URL') === undefined) r.problems.push('FLOWTRAIL_ALERT_WEBHOOK_SECRET needs FLOWTRAIL_ALERT_WEBHOOK_URL');
  const issueProject = r.get('FLOWTRAIL_ALERT_ISSUE_PROJECT');
  if (issueProject !== undefined && !/^(?:\d+|[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+)$/.test(issueProject)) {
    r.problems.push('FLOWTRAIL_ALERT_ISSUE_PROJECT must be a project id or a full path such as group/project');
  }
  if (issueProject !== undefined && gitlab.token === undefined) r.problems.push('FLOWTRAIL_ALERT_ISSUE_PROJECT needs FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN (issues are opened with the bot token)');
  const issueLabels = (r.get('FLOWTRAIL_ALERT_ISSUE_LABELS') ?? 'flowtrail-alert').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const label of issueLabels) if (/[\x00-\x1f]/.test(label) || label.length > 255) r.problems.push(`FLOWTRAIL_ALERT_ISSUE_LABELS has an invalid label "${label.slice(0, 40)}"`);
  return {
    webhookUrl, webhookSecret, issueProject, issueLabels,
    timeoutSeconds: r.int('FLOWTRAIL_ALERT_NOTIFY_TIMEOUT_SECONDS', 10, 1, 300),
    maxBackoffSeconds: r.int('FLOWTRAIL_ALERT_NOTIFY_MAX_BACKOFF_SECONDS', 300, 1, 3600),
  };
}

/** FLOWTRAIL_ANOMALY_*: the detectors' pace and thresholds (shares as whole percents, factors as whole multiples). */
function anomalySettings(r: EnvReader): AnomalySettings {
  const baselineDays = r.int('FLOWTRAIL_ANOMALY_BASELINE_DAYS', 28, 2, 365);
  const minHistoryDays = r.int('FLOWTRAIL_ANOMALY_SESSION_RATE_MIN_HISTORY_DAYS', 7, 1, 365);
  if (minHistoryDays >= baselineDays) r.problems.push(`FLOWTRAIL_ANOMALY_SESSION_RATE_MIN_HISTORY_DAYS (${minHistoryDays}) must be less than FLOWTRAIL_ANOMALY_BASELINE_DAYS (${baselineDays})`);
  const neverEndedHours = r.int('FLOWTRAIL_ANOMALY_NEVER_ENDED_HOURS', 24, 1, 8760);
  if (neverEndedHours >= baselineDays * 24) r.problems.push(`FLOWTRAIL_ANOMALY_NEVER_ENDED_HOURS (${neverEndedHours}) must be less than FLOWTRAIL_ANOMALY_BASELINE_DAYS in hours (${baselineDays * 24})`);
  return {
    intervalSeconds: r.int('FLOWTRAIL_ANOMALY_INTERVAL_SECONDS', 300, 0, 86400),
    baselineDays,
    sessionRate: {
      windowHours: r.int('FLOWTRAIL_ANOMALY_SESSION_RATE_WINDOW_HOURS', 24, 1, 168),
      minHistoryDays,
      minSessions: r.int('FLOWTRAIL_ANOMALY_SESSION_RATE_MIN_SESSIONS', 20, 1, 1_000_000),
      factor: r.int('FLOWTRAIL_ANOMALY_SESSION_RATE_FACTOR', 4, 2, 1000),
    },
    offHours: {
      minSessions: r.int('FLOWTRAIL_ANOMALY_OFF_HOURS_MIN_SESSIONS', 20, 1, 1_000_000),
      percent: r.int('FLOWTRAIL_ANOMALY_OFF_HOURS_PERCENT', 2, 0, 50),
    },
    failureBurst: {
      windowMinutes: r.int('FLOWTRAIL_ANOMALY_FAILURE_WINDOW_MINUTES', 60, 5, 1440),
      minSessions: r.int('FLOWTRAIL_ANOMALY_FAILURE_MIN_SESSIONS', 5, 1, 1_000_000),
      percent: r.int('FLOWTRAIL_ANOMALY_FAILURE_PERCENT', 50, 1, 100),
    },
    tokenSpike: {
      minSessions: r.int('FLOWTRAIL_ANOMALY_TOKEN_MIN_SESSIONS', 20, 1, 1_000_000),
      minTokens: r.int('FLOWTRAIL_ANOMALY_TOKEN_MIN_TOKENS', 100_000, 0, 1_000_000_000),
      factor: r.int('FLOWTRAIL_ANOMALY_TOKEN_FACTOR', 10, 2, 1000),
    },
    neverEnded: { hours: neverEndedHours },
  };
}

/** Who may read /metrics, and on which address when it has its own. */
function reportSettings(r: EnvReader): Config['reports'] {
  const listOf = <T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] => {
    const raw = r.get(name);
    if (raw === undefined) return [...fallback];
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
    if (bad.length > 0) r.problems.push(`${name} has ${bad.join(', ')}; each must be one of ${allowed.join(', ')}`);
    return items.filter((s): s is T => (allowed as readonly string[]).includes(s));
  };
  return {
    chromiumPath: r.get('FLOWTRAIL_CHROMIUM_PATH') ?? '/usr/bin/chromium',
    schedule: r.oneOf<ReportSchedule>('FLOWTRAIL_REPORT_SCHEDULE', ['monthly', 'weekly', 'off'], 'monthly'),
    frameworks: listOf('FLOWTRAIL_REPORT_FRAMEWORKS', REPORT_FRAMEWORKS, REPORT_FRAMEWORKS),
    formats: listOf('FLOWTRAIL_REPORT_FORMATS', REPORT_FORMATS, ['html', 'oscal']),
  };
}

function metricsSettings(r: EnvReader, http: Config['http']): Config['metrics'] {
  const port = r.get('FLOWTRAIL_METRICS_PORT') === undefined ? undefined : r.int('FLOWTRAIL_METRICS_PORT', 0, 0, 65535);
  if (port !== undefined && port !== 0 && port === http.port) r.problems.push('FLOWTRAIL_METRICS_PORT must differ from FLOWTRAIL_PORT');
  if (r.get('FLOWTRAIL_METRICS_HOST') !== undefined && port === undefined) r.problems.push('FLOWTRAIL_METRICS_HOST needs FLOWTRAIL_METRICS_PORT');
  return { token: r.secret('FLOWTRAIL_METRICS_TOKEN', 16), port, host: r.get('FLOWTRAIL_METRICS_HOST') ?? http.host };
}

/**
 * FLOWTRAIL_HOOK_SPOOL_DIR (absolute), else the hook user's own state
 * directory, never a shared one such as the temp dir: $XDG_STATE_HOME, else
 * $HOME/.local/state, else the home directory in the password database.
 */
function hookSpoolDir(r: EnvReader): string | undefined {
  const configured = r.get('FLOWTRAIL_HOOK_SPOOL_DIR');
  if (configured !== undefined) {
    if (!isAbsolute(configured)) r.problems.push('FLOWTRAIL_HOOK_SPOOL_DIR must be an absolute path');
    return configured;
  }
  const xdg = r.get('XDG_STATE_HOME');
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'flowtrail', 'hook-spool');
  const home = r.get('HOME') ?? passwdHome();
  return home === undefined || !isAbsolute(home) ? undefined : join(home, '.local', 'state', 'flowtrail', 'hook-spool');
}

/** The home directory in the password database; undefined for a uid without an entry (containers). */
function passwdHome(): string | undefined {
  try {
    return userInfo().homedir;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as { code?: string }).code === 'ERR_SYSTEM_ERROR') return undefined;
    throw e;
  }
}

function isCustomPattern(v: unknown): v is CustomPattern {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.kind === 'string' && typeof o.pattern === 'string' && (o.flags === undefined || typeof o.flags === 'string');
}

/** The database role a PostgreSQL URL connects as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username) || 'postgres';
}
