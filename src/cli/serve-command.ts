import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createApiToken } from '../auth/index.js';
import { loadDemo } from '../demo/index.js';
import { createLogger } from '../logger.js';
import { startService, type Service } from '../service.js';
import { parseCommandArgs } from './args.js';

export const serveUsage = `Usage: flowtrail serve [--demo]

Runs the service (HTTP API, GitLab intake, integrator, checkpoints, retention
job) on FLOWTRAIL_DATABASE_URL, or on the embedded database in
FLOWTRAIL_DATA_DIR when that is unset. --demo loads demo sessions and prints
the URL and a new admin token. On SIGTERM or SIGINT it answers 503 to new
requests, finishes the ones in flight, drains the intake, signs a final
checkpoint and exits 0, or exits 1 after FLOWTRAIL_SHUTDOWN_TIMEOUT_S saying
what was left. A second signal exits at once.`;

export async function serveCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values } = parseCommandArgs(argv, { demo: { type: 'boolean' } });
  if (values.help === true) {
    out(serveUsage);
    return 0;
  }
  const log = createLogger(config.log.level);
  const service = await startService(config, log);
  log.info({ url: service.url, database: service.db.kind }, 'flowtrail is listening');
  if (values.demo === true) {
    const { accepted, total } = await loadDemo(service.db.sql, service.deps.sanitizer);
    await service.integrator.integrate();
    await service.integrator.checkpoint(true);
    const { token } = await createApiToken(service.db.sql, { role: 'admin', name: 'demo admin (serve --demo)' }, { id: 'system' });
    const { token: dana } = await createApiToken(service.db.sql, { role: 'user', user: 'dwhitfield', name: 'demo user dwhitfield (serve --demo)' }, { id: 'system' });
    out([
      '',
      `flowtrail demo is running at ${service.url}`,
      `demo sessions: ${total} events (${accepted} new)`,
      `admin token (shown once): ${token}`,
      `user token of dwhitfield (shown once; sees only her sessions): ${dana}`,
      `pages: ${service.url}/-/sign_in (sign in with either token), then /-/duo/sessions and /admin/duo_agent_platform/audit`,
      `try: curl -H "Authorization: Bearer ${token}" ${service.url}/api/v1/sessions`,
      '',
    ].join('\n'));
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  return shutDown(service, config.http.shutdownTimeoutSeconds, log, signal);
}

/**
 * The graceful shutdown after a signal, bounded by FLOWTRAIL_SHUTDOWN_TIMEOUT_S:
 * 0 when everything was flushed and checkpointed. When the time runs out the
 * process ends at once with 1 and a log line saying which step was left and
 * what was still in hand (the intake and unfinished jobs are durable: the
 * next start or another replica picks them up). A second signal ends it the
 * same way without waiting.
 */
async function shutDown(service: Service, timeoutSeconds: number, log: Logger, signal: NodeJS.Signals): Promise<number> {
  log.info({ signal, timeoutSeconds }, 'shutting down: new requests get 503; finishing requests in flight, draining the intake and signing a final checkpoint');
  const t0 = performance.now();
  const outcome = await new Promise<'closed' | 'failed' | 'timeout' | 'signal'>((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
    const again = () => resolve('signal');
    process.once('SIGINT', again);
    process.once('SIGTERM', again);
    service.close().then(
      () => resolve('closed'),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        resolve('failed');
      },
    ).finally(() => {
      clearTimeout(timer);
      process.off('SIGINT', again);
      process.off('SIGTERM', again);
    });
  });
  if (outcome === 'closed') {
    log.info({ ms: Math.round(performance.now() - t0) }, 'shut down cleanly');
    return 0;
  }
  const left = service.shutdownProgress();
  log.error({ ...left, timeoutSeconds }, outcome === 'timeout'
    ? `shutdown did not finish within FLOWTRAIL_SHUTDOWN_TIMEOUT_S=${timeoutSeconds}: stopped while ${left.step}, with ${left.requestsInFlight} requests in flight and ${left.jobsInHand} jobs in hand`
    : outcome === 'failed' ? `shutdown failed while ${left.step}`
    : `second signal: stopped while ${left.step}, with ${left.requestsInFlight} requests in flight and ${left.jobsInHand} jobs in hand`);
  // The one place the process is ended from inside: what is left holds handles (sockets, timers) that would keep it alive.
  log.flush();
  process.exit(1);
}
