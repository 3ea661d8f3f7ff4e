import type { Config } from '../config.js';
import { runRetention, type RetentionResult } from '../audit/index.js';
import { retentionRuleSchema } from '../http/index.js';
import { listRetentionRules, retentionFloor, setRetentionRule, type RetentionRuleChange } from '../store/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';
import { createProgress } from './progress.js';

export const retentionUsage = `Usage:
  flowtrail retention run
  flowtrail retention show
  flowtrail retention set (--project GROUP/PROJECT | --flow-type TYPE) --days N
  flowtrail retention unset (--project GROUP/PROJECT | --flow-type TYPE)

run purges sessions that ended more than their retention period ago:
FLOWTRAIL_RETENTION_DAYS (default 365), or the rule for their project or flow
type (the longer when both have one). Only events under a signed checkpoint are
purged: their text and leaf content are deleted, their hashes stay, so
\`flowtrail verify\` still passes. Sessions under a legal hold are kept and
counted. The purge is recorded as retention_purged.
set and unset change a rule at run time (never below the floor the database
owner set with \`flowtrail migrate\`); each change is recorded as
retention_policy_changed.
On a terminal, run shows one line on stderr with the time the purge has taken;
piped or redirected, nothing.`;

interface Policy { default_days: number; floor_days: number; rules: { scope: string; value: string; days: number; set_by: string; set_at: string }[] }

export async function retentionCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(retentionUsage);
    return 0;
  }
  if (sub !== 'run' && sub !== 'show' && sub !== 'set' && sub !== 'unset') {
    throw new UsageError(`${sub === undefined ? 'a retention command is required' : `unknown retention command "${sub}"`}\n${retentionUsage}`);
  }
  const { values } = parseCommandArgs(rest, sub === 'set' || sub === 'unset' ? { project: { type: 'string' }, 'flow-type': { type: 'string' }, days: { type: 'string' } } : {});
  if (values.help === true) {
    out(retentionUsage);
    return 0;
  }
  const remote = await findRunningService(config);
  if (sub === 'run') {
    // The purge is one statement in the database: on a terminal, the line shows the time it has taken so far.
    const progress = createProgress((_d, _t, sec) => `purging sessions past their retention period${remote !== null ? ` through the service at ${remote.url}` : ''} (${sec} s)`);
    let r: RetentionResult;
    try {
      r = remote !== null
        ? await remote.json<RetentionResult>('POST', '/api/v1/retention/run')
        : await withLocalDatabase(config, async (ctx) => {
            await ctx.integrator.integrate();
            await ctx.integrator.checkpoint();
            return runRetention(ctx.sql, config.retention.days, 'cli');
          });
    } finally {
      progress.end();
    }
    out(`purged ${r.sessions} sessions (${r.events} events, ${r.texts} texts) that ended before ${r.cutoff}, up to checkpoint ${r.upToTreeSize}`);
    if (r.deferred > 0) out(`${r.deferred} sessions past the cutoff have events after the latest checkpoint; they are purged on a later run`);
    if (r.held > 0) out(`${r.held} sessions past the cutoff are kept by legal holds ${r.holds.join(', ')}`);
    return 0;
  }
  if (sub === 'show') {
    const p: Policy = remote !== null
      ? await remote.json<Policy>('GET', '/api/v1/retention')
      : await withLocalDatabase(config, async (ctx) => ({
          default_days: config.retention.days, floor_days: await retentionFloor(ctx.sql),
          rules: (await listRetentionRules(ctx.sql)).map((r) => ({ scope: r.scope, value: r.value, days: r.days, set_by: r.setBy, set_at: r.setAt.toISOString() })),
        }));
    out([`default: ${p.default_days} days (the database owner allows no less than ${p.floor_days})`,
      ...(p.rules.length === 0 ? ['no rules per project or flow type'] : p.rules.map((r) => `${r.scope} ${r.value}: ${r.days} days (set ${r.set_at} by ${r.set_by})`))].join('\n'));
    return 0;
  }
  const named = ([['project', values.project], ['flow_type', values['flow-type']]] as const).filter(([, v]) => v !== undefined);
  if (named.length !== 1) throw new UsageError('name exactly one of --project or --flow-type');
  if (sub === 'set' && (typeof values.days !== 'string' || !/^[0-9]{1,5}$/.test(values.days))) throw new UsageError('--days N (a whole number of days) is required');
  if (sub === 'unset' && values.days !== undefined) throw new UsageError('unset takes no --days');
  const parsed = retentionRuleSchema.safeParse({ scope: named[0]![0], value: named[0]![1], days: sub === 'set' ? Number(values.days) : null });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const r: RetentionRuleChange = remote !== null
    ? await remote.json<RetentionRuleChange>('PUT', '/api/v1/retention/rules', parsed.data)
    : await withLocalDatabase(config, (ctx) => setRetentionRule(ctx.sql, parsed.data, 'cli'));
  out(r.days === null ? `removed the rule for ${r.scope} ${r.value} (was ${r.previous_days} days); the default applies` : `${r.scope} ${r.value}: ${r.days} days${r.previous_days === null ? '' : ` (was ${r.previous_days})`}`);
  return 0;
}
