import type { Config } from '../config.js';
import { createApiToken } from '../auth/index.js';
import { loadDemo } from '../demo/index.js';
import { createLogger } from '../logger.js';
import { startService } from '../service.js';
import { parseCommandArgs } from './args.js';

export const serveUsage = `Usage: flowtrail serve [--demo]

Runs the service (HTTP API, GitLab intake, integrator, checkpoints, retention
job) on FLOWTRAIL_DATABASE_URL, or on the embedded database in
FLOWTRAIL_DATA_DIR when that is unset. --demo loads demo sessions and prints
the URL and a new admin token. Stops cleanly on SIGINT/SIGTERM, signing a
final checkpoint.`;

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
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('shutting down: integrating pending events and signing a final checkpoint');
  await service.close();
  return 0;
}
