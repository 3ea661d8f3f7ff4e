import type { Config } from '../config.js';
import { runRetention, type RetentionResult } from '../audit/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const retentionUsage = `Usage: flowtrail retention run

Purges sessions that ended more than FLOWTRAIL_RETENTION_DAYS days ago (default
365). Only events under a signed checkpoint are purged: their text and leaf
content are deleted, their hashes stay, so \`flowtrail verify\` still passes.
The purge is recorded as retention_purged.`;

export async function retentionCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(retentionUsage);
    return 0;
  }
  if (sub !== 'run') throw new UsageError(`${sub === undefined ? 'a retention command is required' : `unknown retention command "${sub}"`}\n${retentionUsage}`);
  const { values } = parseCommandArgs(rest, {});
  if (values.help === true) {
    out(retentionUsage);
    return 0;
  }
  const remote = await findRunningService(config);
  const r: RetentionResult = remote !== null
    ? await remote.json<RetentionResult>('POST', '/api/v1/retention/run')
    : await withLocalDatabase(config, async (ctx) => {
        await ctx.integrator.integrate();
        await ctx.integrator.checkpoint();
        return runRetention(ctx.sql, config.retention.days, 'cli');
      });
  out(`purged ${r.sessions} sessions (${r.events} events, ${r.texts} texts) that ended before ${r.cutoff}, up to checkpoint ${r.upToTreeSize}`);
  if (r.deferred > 0) out(`${r.deferred} sessions past the cutoff have events after the latest checkpoint; they are purged on a later run`);
  return 0;
}
