import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import type { AppDeps } from './app-env.js';
import { createApp } from './app.js';
import { reportDepsOf } from './api/index.js';
import { createApiToken, createAuthenticator, createWebSessions, deriveCookieKey, hashToken, revokeApiToken } from './auth/index.js';
import type { Config } from './config.js';
import { createJobHandlers, createLease, JobRunner, schedulePendingSpanSweep, scheduleReports, scheduleRetention, scheduleSweep, SCHEDULER_LEASE, startScheduledWork, type DailyTask, type IntervalTask } from './jobs/index.js';
import { scheduleAnomalies } from './anomalies/index.js';
import { openLog, recordConfiguration, type Integrator, type OpenLog } from './log/index.js';
import { effectiveConfiguration } from './effective-configuration.js';
import { createGitlabClient, type GitlabClient } from './gitlab/index.js';
import { loadKeys, type Keys } from './load-keys.js';
import { parseVerifierKey } from './integrity/index.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createMetricsApp, createRequestDrain } from './ops/index.js';
import { createSanitizer } from './sanitize/index.js';
import { createStreamer, deriveSecretsKey, streamLag, type Streamer } from './stream/index.js';
import { alertNotificationLag, createAlertNotifier, type AlertNotifier } from './notify/index.js';
import { AppError, coerceError } from './errors.js';
import {
  countJobs, countPending, countWaitingSpans, findTokenByHash, liveTokensOfPurpose, logSize, migrate, openDatabase, pendingMigrations, readKnownPeople, retentionFloor, serviceRoleGuarantees, type Database, type Pool,
} from './store/index.js';

/** How often the sanitizer's list of known GitLab people is re-read. */
const KNOWN_PEOPLE_REFRESH_MS = 5 * 60_000;

export interface Service {
  url: string;
  /** Where /metrics is served when FLOWTRAIL_METRICS_PORT is set. */
  metricsUrl?: string;
  deps: AppDeps;
  db: Database;
  integrator: Integrator;
  /**
   * Shuts down as Kubernetes expects after SIGTERM: readiness (and every new
   * request but /-/health) answers 503 at once; requests in flight finish,
   * which flushes the group commits; the job runner stops after the job in
   * hand; the scheduler lease is given up; the intake is drained into the log
   * and a final checkpoint signed; the database closes.
   */
  close(): Promise<void>;
  /** What close() is doing and what is left (for the log line when the shutdown timeout passes). */
  shutdownProgress(): { step: string; requestsInFlight: number; jobsInHand: number };
}

/**
 * The composition root: keys → database → migrate → log → bootstrap token →
 * sanitizer, integrator, jobs, app → listen. close() stops taking requests,
 * integrates what is pending and signs a final checkpoint.
 */
export async function startService(config: Config, log: Logger, options: { listen?: boolean } = {}): Promise<Service> {
  const keys = await loadKeys(config);
  // The people flowtrail knows from GitLab, redacted by name in free text: read in the background, never per event.
  let knownPeople: readonly string[] = [];
  const sanitizer = createSanitizer({
    key: keys.sanitizerKey,
    customPatterns: [...config.sanitizer.customPatterns],
    allowlist: [...config.sanitizer.allowlist],
    knownPeople: () => knownPeople,
  });
  const metrics = createMetrics();
  let streamer: Streamer | undefined;
  let notifier: AlertNotifier | undefined;
  const { db, origin, signer, integrator, witnesses } = await openStorage(config, log, keys, metrics, () => {
    streamer?.kick();
    notifier?.kick();
  });
  // The configuration this process runs with, audited when it differs from the last one recorded (configuration_changed).
  const changed = await recordConfiguration(db.sql, effectiveConfiguration(config, keys.sanitizerKey), signer, origin);
  if (changed > 0) log.info({ settings: changed }, 'the effective configuration differs from the one last recorded: configuration_changed is in the log');
  const refreshKnownPeople = async (): Promise<void> => {
    try {
      const next = await readKnownPeople(db.sql);
      if (next.length !== knownPeople.length || next.some((name, i) => name !== knownPeople[i])) knownPeople = next;
    } catch (err) {
      log.warn({ err }, 'the known-people list for the sanitizer was not refreshed; the previous list stays');
    }
  };
  await refreshKnownPeople();
  const knownPeopleTimer = setInterval(() => void refreshKnownPeople(), KNOWN_PEOPLE_REFRESH_MS);
  knownPeopleTimer.unref();
  const gitlab = config.gitlab.url !== undefined && config.gitlab.token !== undefined ? createGitlabClient({ url: config.gitlab.url, token: config.gitlab.token }) : null;
  const jobRunner = new JobRunner({
    sql: db.sql,
    handlers: createJobHandlers({ config, sql: db.sql, integrator, sanitizer, gitlab }),
    log,
    onOutcome: (name, outcome) => metrics.inc('flowtrail_jobs_total', { name, outcome }),
  });
  addDatabaseGauges(metrics, db.sql);
  const secretsKey = deriveSecretsKey(config.streaming.secretsKey, keys.sanitizerKey);
  streamer = createStreamer({
    sql: db.sql, secretsKey, readTokenVariable: config.streaming.readTokenVariable, log, batchSize: config.streaming.batchSize, pollMs: config.streaming.pollMs,
    pauseAfterSeconds: config.streaming.pauseAfterSeconds, maxBackoffMs: config.streaming.maxBackoffSeconds * 1000, timeoutMs: config.streaming.timeoutSeconds * 1000,
    onBatch: (d, r) => {
      if (r.delivered > 0) metrics.inc('flowtrail_stream_events_delivered_total', { destination: d.name }, r.delivered);
      if (r.failed) metrics.inc('flowtrail_stream_failures_total', { destination: d.name });
    },
  });
  addStreamGauges(metrics, db.sql);
  notifier = createNotifier(config, db.sql, origin, gitlab, log, metrics);
  metrics.gauge('flowtrail_checkpoint_witness_pending', 'Checkpoints queued for the witnesses and not yet delivered (retried with backoff).', () => witnesses.pending());
  const deps: AppDeps = {
    config, sql: db.sql, dbKind: db.kind, sanitizer, integrator, metrics, log,
    authenticator: createAuthenticator(db.sql),
    webSessions: createWebSessions({ sql: db.sql, key: deriveCookieKey(keys.sanitizerKey), publicUrl: config.http.publicUrl, hours: config.auth.webSessionHours }),
    verifiers: [parseVerifierKey(signer.verifierKey)],
    origin,
    jobRunner,
    secretsKey,
    streamer,
  };
  await integrator.integrate();
  // Replicas on one database are one service: the process holding the scheduler lease runs the daily tasks and the checkpoint timer.
  const lease = createLease({ sql: db.sql, name: SCHEDULER_LEASE, log });
  metrics.gauge('flowtrail_scheduler_lease_held', 'Whether this process holds the scheduler lease (runs retention, sweep, clean-up and timer checkpoints).', () => (lease.held() ? 1 : 0));
  integrator.start({ timerCheckpoints: lease.held });
  jobRunner.start();
  streamer.start();
  await notifier?.start();
  const tasks = [
    scheduleRetention(db.sql, config.retention.days, log), scheduleSweep({ sql: db.sql, integrator, gitlab }, log),
    scheduleReports(reportDepsOf(deps), config.reports, log),
    schedulePendingSpanSweep({ sql: db.sql, metrics, hours: config.otlp.pendingHours }, log),
  ].filter((t): t is DailyTask => t !== null);
  const intervalTasks = [scheduleAnomalies({ sql: db.sql, integrator }, config.anomalies, log)].filter((t): t is IntervalTask => t !== null);
  const scheduled = startScheduledWork({ sql: db.sql, lease, tasks, intervalTasks, log });
  const http = options.listen === false ? undefined : await listenHttp(deps, db);

  let step = 'running';
  let closing: Promise<void> | undefined;
  return {
    url: http?.url ?? config.http.publicUrl,
    metricsUrl: http?.metricsUrl,
    deps,
    db,
    integrator,
    close() {
      closing ??= (async () => {
        step = 'finishing the requests in flight (new ones get 503), the job in hand and any scheduled run';
        clearInterval(knownPeopleTimer);
        await Promise.all([http?.drain(), jobRunner.stop(), scheduled.stop(), streamer?.stop(), notifier?.stop()]);
        step = 'closing the HTTP listener';
        await http?.close();
        step = 'draining the intake into the log and signing the final checkpoint';
        await integrator.stop();
        step = 'handing the final checkpoint to the witnesses';
        for (const b of await witnesses.flush(5000)) log.warn(b, 'checkpoint witness still behind at shutdown; the next start sends the latest checkpoint again');
        witnesses.stop();
        step = 'closing the database';
        await db.close();
        step = 'closed';
      })();
      return closing;
    },
    shutdownProgress: () => ({ step, requestsInFlight: http?.inFlight() ?? 0, jobsInHand: jobRunner.jobsInHand }),
  };
}

/** Opens the database, brings its schema up to date, opens the log and creates the bootstrap admin token; closes the database if any of it fails. */
async function openStorage(config: Config, log: Logger, keys: Keys, metrics: Metrics, onAppended: () => void): Promise<OpenLog & { db: Database }> {
  const db = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir });
  try {
    await prepareSchema(config, db, log);
    const opened = await openLog(config, db.sql, keys, {
      log,
      onWitnessFailure: (witness) => metrics.inc('flowtrail_checkpoint_sink_failures_total', { witness }),
      onWitnessDelivered: (witness, n) => metrics.inc('flowtrail_checkpoint_witness_deliveries_total', { witness }, n),
      onAppended: (n) => {
        metrics.inc('flowtrail_events_appended_total', {}, n);
        onAppended();
      },
    });
    if (config.auth.bootstrapAdminToken !== undefined && (await findTokenByHash(db.sql, hashToken(config.auth.bootstrapAdminToken))) === null) {
      await createApiToken(db.sql, { role: 'admin', name: 'bootstrap admin (FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN)', token: config.auth.bootstrapAdminToken }, { id: 'system' });
    }
    return { ...opened, db };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** The gauges of /metrics that read the database when scraped. */
function addDatabaseGauges(metrics: Metrics, sql: Pool): void {
  metrics.gauge('flowtrail_log_size', 'Events in the Merkle log.', () => logSize(sql));
  metrics.gauge('flowtrail_intake_pending', 'Accepted events not yet sequenced into the log.', () => countPending(sql));
  metrics.gauge('flowtrail_jobs_pending', 'Jobs waiting to run or to be retried.', async () => (await countJobs(sql)).pending);
  metrics.gauge('flowtrail_otlp_spans_waiting', 'OTLP spans waiting for the span of their session (dropped by the daily sweep after FLOWTRAIL_OTLP_PENDING_HOURS).', () => countWaitingSpans(sql));
  metrics.gauge('flowtrail_jobs_dead', 'Jobs that used all their attempts (dead letters).', async () => (await countJobs(sql)).dead);
}

/** Per streaming destination: its lag in events and seconds, and whether it is paused (read from the database when scraped). */
function addStreamGauges(metrics: Metrics, sql: Pool): void {
  let last: Promise<Awaited<ReturnType<typeof streamLag>>> | undefined;
  // One read serves the three series of one scrape.
  const lag = () => (last ??= streamLag(sql).finally(() => setTimeout(() => (last = undefined), 100)));
  const LABELS = ['destination', 'type'];
  const labels = (d: { name: string; type: string }) => ({ destination: d.name, type: d.type });
  metrics.gaugeSeries('flowtrail_stream_lag_events', 'Events in the log not yet delivered to a streaming destination (an upper bound where filters skip some).', LABELS,
    async () => (await lag()).map((l) => ({ labels: labels(l.destination), value: l.events })));
  metrics.gaugeSeries('flowtrail_stream_lag_seconds', 'How long the oldest event not yet delivered to a streaming destination has waited.', LABELS,
    async () => (await lag()).map((l) => ({ labels: labels(l.destination), value: l.seconds })));
  metrics.gaugeSeries('flowtrail_stream_paused', 'Whether a streaming destination is paused (1) after failing too long.', LABELS,
    async () => (await lag()).map((l) => ({ labels: labels(l.destination), value: l.destination.pausedAt === null ? 0 : 1 })));
}

/** The alert notifier when FLOWTRAIL_ALERT_WEBHOOK_URL or FLOWTRAIL_ALERT_ISSUE_PROJECT is set, with its metrics. */
function createNotifier(config: Config, sql: Pool, origin: string, gitlab: GitlabClient | null, log: Logger, metrics: Metrics): AlertNotifier | undefined {
  const c = config.alertNotifications;
  const webhook = c.webhookUrl !== undefined && c.webhookSecret !== undefined ? { url: c.webhookUrl, secret: c.webhookSecret, timeoutMs: c.timeoutSeconds * 1000 } : undefined;
  const issues = c.issueProject !== undefined && gitlab !== null ? { gitlab, project: c.issueProject, labels: c.issueLabels } : undefined;
  if (webhook === undefined && issues === undefined) return undefined;
  const notifier = createAlertNotifier({
    sql, publicUrl: config.http.publicUrl, origin, webhook, issues, log, maxBackoffMs: c.maxBackoffSeconds * 1000,
    onOutcome: (channel, outcome) => metrics.inc('flowtrail_alert_notifications_total', { channel, outcome }),
  });
  let last: Promise<Awaited<ReturnType<typeof alertNotificationLag>>> | undefined;
  const lag = () => (last ??= alertNotificationLag(sql).finally(() => setTimeout(() => (last = undefined), 100)));
  const wanted = new Set<string>(notifier.channels);
  const series = async (value: (l: Awaited<ReturnType<typeof alertNotificationLag>>[number]) => number) =>
    (await lag()).filter((l) => wanted.has(l.notifier.channel)).map((l) => ({ labels: { channel: l.notifier.channel }, value: value(l) }));
  metrics.gaugeSeries('flowtrail_alert_notify_lag_alerts', 'Alerts not yet announced on a channel (webhook, gitlab_issue).', ['channel'], () => series((l) => l.alerts));
  metrics.gaugeSeries('flowtrail_alert_notify_lag_seconds', 'How long the oldest alert not yet announced on a channel has waited.', ['channel'], () => series((l) => l.seconds));
  metrics.gaugeSeries('flowtrail_alert_notify_failing', 'Whether the last try to announce an alert on a channel failed (1); it is tried again with backoff.', ['channel'], () => series((l) => (l.failing ? 1 : 0)));
  return notifier;
}

interface HttpListener {
  url: string;
  metricsUrl?: string;
  /** Requests being answered now. */
  inFlight(): number;
  /** From now on every request but /-/health gets 503 (readiness included); resolves when the requests in flight have been answered. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the app on FLOWTRAIL_HOST:FLOWTRAIL_PORT, opens the CLI bridge on the
 * embedded database, and serves /metrics on its own port when one is set.
 * drain() then close() stop all three.
 */
async function listenHttp(deps: AppDeps, db: Database): Promise<HttpListener> {
  const { config } = deps;
  const app = createApp(deps);
  const draining = createRequestDrain();
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: draining.wrap(app.fetch), hostname: config.http.host, port: config.http.port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
  const bridge = db.kind === 'pglite' ? await openCliBridge(deps, url) : undefined;
  const metricsServer = config.metrics.port !== undefined ? await listenMetrics(deps, config.metrics.host, config.metrics.port) : undefined;
  return {
    url,
    metricsUrl: metricsServer?.url,
    inFlight: draining.inFlight,
    drain: draining.start,
    async close() {
      await draining.start();
      // Keep-alive connections hold close() open until they are idle; a streamed answer (an export) still finishes.
      const closeIdle = setInterval(() => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.(), 100);
      await new Promise<void>((r) => server.close(() => r()));
      clearInterval(closeIdle);
      if (metricsServer !== undefined) await new Promise<void>((r) => metricsServer.server.close(() => r()));
      await bridge?.close();
    },
  };
}

/**
 * With a separate owner (FLOWTRAIL_MIGRATION_DATABASE_URL) the service never
 * migrates: `flowtrail migrate` does, as the owner. With one role it migrates
 * itself, and says which guarantees that costs.
 */
async function prepareSchema(config: Config, db: Database, log: Logger): Promise<void> {
  if (config.db.migrationUrl === undefined) await migrate(db.sql);
  const pending = await pendingMigrations(db.sql);
  if (pending.length > 0) {
    throw new AppError('unavailable', `the database lacks migrations ${pending.join(', ')}: run \`flowtrail migrate\` (it connects as FLOWTRAIL_MIGRATION_DATABASE_URL)`);
  }
  if (db.kind === 'pglite') {
    log.info('embedded database: reachable only through a Unix socket in a directory only this user can enter; it has one role, so the split of FLOWTRAIL_MIGRATION_DATABASE_URL does not apply (docs/security.md)');
    return;
  }
  const { role, couldRewriteLog } = await serviceRoleGuarantees(db.sql);
  if (couldRewriteLog.length > 0) {
    log.warn({ role, couldRewriteLog }, `the database role "${role}" could change the log, not only append to it: ${couldRewriteLog.join('; ')}. `
      + 'Changes stay detectable by flowtrail verify, but are not prevented; set FLOWTRAIL_MIGRATION_DATABASE_URL to an owner role and run flowtrail migrate (docs/security.md)');
  }
  const floor = await retentionFloor(db.sql);
  if (config.retention.days < floor) {
    log.warn({ days: config.retention.days, floor }, `FLOWTRAIL_RETENTION_DAYS=${config.retention.days} is shorter than the ${floor} days the database owner allows: retention runs will be refused until flowtrail migrate is run with the new value`);
  }
}

/** How long the CLI bridge token lives; serve renews it at a third of that. */
export const CLI_BRIDGE_TTL_MS = 60 * 60_000;

interface CliBridge {
  file: string;
  close(): Promise<void>;
}

/**
 * PGlite admits one process: while `serve` holds the embedded database, the
 * CLI talks to the service instead. The service leaves its URL and an admin
 * token only it and the data directory's owner can read (mode 0600, written
 * whole and renamed into place) in serve.json. The token expires after an
 * hour and is replaced every 20 minutes while serve runs; at shutdown it is
 * revoked, and any a crashed serve left are revoked at the next start.
 */
async function openCliBridge(deps: AppDeps, url: string): Promise<CliBridge> {
  for (const stale of await liveTokensOfPurpose(deps.sql, 'cli_bridge')) {
    await revokeApiToken(deps.sql, stale, { id: 'system' }, 'left by a serve that did not shut down');
  }
  const file = join(deps.config.db.dataDir, 'serve.json');
  await mkdir(deps.config.db.dataDir, { recursive: true, mode: 0o700 });
  const issue = async (): Promise<string> => {
    const { id, token } = await createApiToken(deps.sql, {
      role: 'admin', name: 'local CLI bridge (serve.json)', purpose: 'cli_bridge', expiresAt: new Date(Date.now() + CLI_BRIDGE_TTL_MS),
    }, { id: 'system' });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ pid: process.pid, url, token }), { mode: 0o600, flag: 'w' });
    await rename(temp, file);
    return id;
  };
  let current = await issue();
  let renewing = Promise.resolve();
  const timer = setInterval(() => {
    renewing = (async () => {
      const previous = current;
      current = await issue();
      await revokeApiToken(deps.sql, previous, { id: 'system' }, 'renewed');
    })().catch((err: unknown) => deps.log.error({ err: coerceError(err) }, 'could not renew the CLI bridge token'));
  }, CLI_BRIDGE_TTL_MS / 3);
  timer.unref();
  return {
    file,
    async close() {
      clearInterval(timer);
      await renewing;
      await unlink(file).catch(() => undefined);
      await revokeApiToken(deps.sql, current, { id: 'system' }, 'serve stopped').catch(() => undefined);
    },
  };
}

/** FLOWTRAIL_METRICS_PORT: /metrics alone on its own address (FLOWTRAIL_METRICS_HOST, else FLOWTRAIL_HOST). */
async function listenMetrics(deps: AppDeps, host: string, port: number): Promise<{ server: ServerType; url: string }> {
  const app = createMetricsApp(deps);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}
