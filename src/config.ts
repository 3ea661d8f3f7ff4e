// loadConfig is the only place that reads the environment. It is pure: it
// takes the variables as an argument, collects every problem, and throws them
// as one line so that a bad start-up names each variable at once.
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';

export type HookMode = 'enforce' | 'warn' | 'off';
export type HookOnError = 'reject' | 'allow';
export type HookUnknownPusher = 'reject' | 'authors';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

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
  readonly http: { readonly host: string; readonly port: number; readonly publicUrl: string; readonly maxBodyBytes: number };
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
  readonly gitlab: { readonly url?: string; readonly token?: string; readonly agentUsernames: readonly string[] };
  readonly retention: { readonly days: number };
  readonly sanitizer: {
    readonly key?: string;
    readonly customPatterns: readonly CustomPattern[];
    readonly allowlist: readonly string[];
  };
  readonly integrity: {
    readonly signingKey?: string;
    /** The origin a new log takes (an existing log keeps the one it was created with). */
    readonly origin: string;
    /** Whether FLOWTRAIL_LOG_ORIGIN set it: then it must match the log's. */
    readonly originExplicit: boolean;
    readonly checkpointIntervalSeconds: number;
    readonly checkpointEvents: number;
    readonly sinkDir?: string;
    readonly sinkUrl?: string;
  };
  readonly hook: {
    readonly url?: string; readonly token?: string; readonly mode: HookMode; readonly onError: HookOnError; readonly timeoutMs: number;
    /** Where the pre-receive hook keeps decisions it could not report (default: $XDG_STATE_HOME/flowtrail/hook-spool, else ~/.local/state/...; undefined for a user without a home). */
    readonly spoolDir?: string;
    /** A push without GL_USERNAME and GL_ID (not through Gitaly): refuse it, or judge its commits by their authors only. */
    readonly unknownPusher: HookUnknownPusher;
  };
  readonly log: { readonly level: LogLevel };
  /** Who may read /metrics: FLOWTRAIL_METRICS_TOKEN and/or its own listen address; with neither, an admin or auditor API token. */
  readonly metrics: { readonly token?: string; readonly port?: number; readonly host: string };
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const TOKEN_PATTERN = /^ftk_[A-Za-z0-9_-]{40}$/;

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = {}): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };
  const url = (name: string, protocols = ['http:', 'https:']): string | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`);
      return undefined;
    }
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  };
  const secret = (name: string, minLength: number): string | undefined => {
    const raw = get(name);
    if (raw !== undefined && raw.length < minLength) problems.push(`${name} must be at least ${minLength} characters`);
    return raw;
  };
  const jsonList = <T>(name: string, check: (v: unknown) => v is T): T[] => {
    const raw = get(name);
    if (raw === undefined) return [];
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.every(check)) return parsed;
    } catch {
      // reported below
    }
    problems.push(`${name} must be a JSON array (see docs/configuration.md)`);
    return [];
  };

  const host = get('FLOWTRAIL_HOST') ?? '127.0.0.1';
  const port = int('FLOWTRAIL_PORT', 8080, 0, 65535);
  const bootstrapAdminToken = get('FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN');
  if (bootstrapAdminToken !== undefined && !TOKEN_PATTERN.test(bootstrapAdminToken)) {
    problems.push('FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN must be "ftk_" followed by 40 url-safe characters');
  }
  const signingKeyRaw = get('FLOWTRAIL_WEBHOOK_SIGNING_KEY');
  if (signingKeyRaw !== undefined && !/^whsec_[A-Za-z0-9+/=]{16,}$/.test(signingKeyRaw)) {
    problems.push('FLOWTRAIL_WEBHOOK_SIGNING_KEY must be a "whsec_" key followed by base64');
  }
  const gitlabUrl = url('FLOWTRAIL_GITLAB_URL');
  const gitlabToken = get('FLOWTRAIL_GITLAB_TOKEN');
  if ((gitlabUrl === undefined) !== (gitlabToken === undefined)) {
    problems.push('FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN must be set together');
  }
  const oauthId = get('FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID');
  const oauthSecret = get('FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET');
  if ((oauthId === undefined) !== (oauthSecret === undefined)) problems.push('FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID and FLOWTRAIL_GITLAB_OAUTH_CLIENT_SECRET must be set together');
  if (oauthId !== undefined && gitlabUrl === undefined) problems.push('FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID needs FLOWTRAIL_GITLAB_URL (and FLOWTRAIL_GITLAB_TOKEN)');
  const oauth = oauthId !== undefined && oauthSecret !== undefined ? { clientId: oauthId, clientSecret: oauthSecret } : undefined;
  const auditorGroup = get('FLOWTRAIL_AUDITOR_GROUP');
  if (auditorGroup !== undefined && gitlabToken === undefined) problems.push('FLOWTRAIL_AUDITOR_GROUP needs FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN (membership is read with the bot token)');
  const agentUsernames = (get('FLOWTRAIL_AGENT_USERNAMES') ?? 'duo-developer*,ai-*')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const p of agentUsernames) {
    if (!/^[A-Za-z0-9_.*?-]+$/.test(p)) problems.push(`FLOWTRAIL_AGENT_USERNAMES has an invalid pattern "${p}"`);
  }
  const signingKey = get('FLOWTRAIL_SIGNING_KEY')?.replace(/\\n/g, '\n');
  if (signingKey !== undefined && !signingKey.includes('-----BEGIN PRIVATE KEY-----')) {
    problems.push('FLOWTRAIL_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM');
  }
  const databaseUrl = url('FLOWTRAIL_DATABASE_URL', ['postgres:', 'postgresql:']);
  const migrationUrl = url('FLOWTRAIL_MIGRATION_DATABASE_URL', ['postgres:', 'postgresql:']);
  if (migrationUrl !== undefined && databaseUrl === undefined) problems.push('FLOWTRAIL_MIGRATION_DATABASE_URL needs FLOWTRAIL_DATABASE_URL (the role the service connects as)');
  if (migrationUrl !== undefined && databaseUrl !== undefined && roleOf(migrationUrl) === roleOf(databaseUrl)) {
    problems.push('FLOWTRAIL_MIGRATION_DATABASE_URL and FLOWTRAIL_DATABASE_URL name the same role; the service must connect as another role than the owner');
  }
  const publicUrl = url('FLOWTRAIL_PUBLIC_URL') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const metricsPort = get('FLOWTRAIL_METRICS_PORT') === undefined ? undefined : int('FLOWTRAIL_METRICS_PORT', 0, 0, 65535);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) problems.push('FLOWTRAIL_METRICS_PORT must differ from FLOWTRAIL_PORT');
  if (get('FLOWTRAIL_METRICS_HOST') !== undefined && metricsPort === undefined) problems.push('FLOWTRAIL_METRICS_HOST needs FLOWTRAIL_METRICS_PORT');

  const config: Config = {
    db: { url: databaseUrl, migrationUrl, dataDir: get('FLOWTRAIL_DATA_DIR') ?? './flowtrail-data' },
    http: { host, port, publicUrl, maxBodyBytes: int('FLOWTRAIL_MAX_BODY_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024) },
    auth: { bootstrapAdminToken, oauth, auditorGroup, webSessionHours: int('FLOWTRAIL_WEB_SESSION_HOURS', 8, 1, 720) },
    ingest: {
      webhookSecret: secret('FLOWTRAIL_WEBHOOK_SECRET', 8),
      webhookSigningKey: signingKeyRaw,
      streamingToken: secret('FLOWTRAIL_STREAMING_TOKEN', 8),
    },
    gitlab: { url: gitlabUrl, token: gitlabToken, agentUsernames },
    retention: { days: int('FLOWTRAIL_RETENTION_DAYS', 365, 1, 36500) },
    sanitizer: {
      key: secret('FLOWTRAIL_SANITIZER_KEY', 32),
      customPatterns: jsonList('FLOWTRAIL_SANITIZER_PATTERNS', isCustomPattern),
      allowlist: jsonList('FLOWTRAIL_SANITIZER_ALLOWLIST', (v): v is string => typeof v === 'string'),
    },
    integrity: {
      signingKey,
      origin: get('FLOWTRAIL_LOG_ORIGIN') ?? `flowtrail/${new URL(publicUrl).hostname}`,
      originExplicit: get('FLOWTRAIL_LOG_ORIGIN') !== undefined,
      checkpointIntervalSeconds: int('FLOWTRAIL_CHECKPOINT_INTERVAL_SECONDS', 60, 1, 86400),
      checkpointEvents: int('FLOWTRAIL_CHECKPOINT_EVENTS', 10000, 1, 10_000_000),
      sinkDir: get('FLOWTRAIL_CHECKPOINT_DIR'),
      sinkUrl: url('FLOWTRAIL_CHECKPOINT_URL'),
    },
    hook: {
      url: url('FLOWTRAIL_URL'),
      token: get('FLOWTRAIL_TOKEN'),
      mode: oneOf<HookMode>('FLOWTRAIL_HOOK_MODE', ['enforce', 'warn', 'off'], 'enforce'),
      onError: oneOf<HookOnError>('FLOWTRAIL_HOOK_ON_ERROR', ['reject', 'allow'], 'reject'),
      timeoutMs: int('FLOWTRAIL_HOOK_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
      spoolDir: hookSpoolDir(get, problems),
      unknownPusher: oneOf<HookUnknownPusher>('FLOWTRAIL_HOOK_UNKNOWN_PUSHER', ['reject', 'authors'], 'reject'),
    },
    log: { level: oneOf<LogLevel>('FLOWTRAIL_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info') },
    metrics: { token: secret('FLOWTRAIL_METRICS_TOKEN', 16), port: metricsPort, host: get('FLOWTRAIL_METRICS_HOST') ?? host },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * FLOWTRAIL_HOOK_SPOOL_DIR (absolute), else the hook user's own state
 * directory, never a shared one such as the temp dir: $XDG_STATE_HOME, else
 * $HOME/.local/state, else the home directory in the password database.
 */
function hookSpoolDir(get: (name: string) => string | undefined, problems: string[]): string | undefined {
  const configured = get('FLOWTRAIL_HOOK_SPOOL_DIR');
  if (configured !== undefined) {
    if (!isAbsolute(configured)) problems.push('FLOWTRAIL_HOOK_SPOOL_DIR must be an absolute path');
    return configured;
  }
  const xdg = get('XDG_STATE_HOME');
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'flowtrail', 'hook-spool');
  const home = get('HOME') ?? passwdHome();
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
