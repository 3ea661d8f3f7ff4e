import type { Config } from '../config.js';
import { holdView, type HoldView } from '../audit/index.js';
import { createSanitizer } from '../sanitize/index.js';
import { legalHoldSchema, holdReleaseSchema } from '../http/index.js';
import { listLegalHolds, placeLegalHold, releaseLegalHold } from '../store/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase, type LocalContext } from './local-context.js';
import { findRunningService } from './service-client.js';

export const holdsUsage = `Usage:
  flowtrail holds place (--session ID | --user USERNAME | --project GROUP/PROJECT) --reason TEXT
  flowtrail holds list [--all]
  flowtrail holds release ID [--reason TEXT]

A legal hold keeps every session it covers (one session, every session a person
initiated, every session of a project) from retention and GDPR erasure until it
is released; both record what they skipped. Placing and releasing are recorded
in the audit log (legal_hold_placed, legal_hold_released) with who and why.`;

const describe = (h: HoldView) =>
  `${h.id}\t${h.scope} ${h.value}\t${h.active ? 'active' : `released ${h.released_at} by ${h.released_by}`}\tplaced ${h.placed_at} by ${h.placed_by}\t${h.reason}`;

export async function holdsCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(holdsUsage);
    return 0;
  }
  if (sub !== 'place' && sub !== 'list' && sub !== 'release') {
    throw new UsageError(`${sub === undefined ? 'a holds command is required' : `unknown holds command "${sub}"`}\n${holdsUsage}`);
  }
  const { values, positionals } = parseCommandArgs(rest, {
    session: { type: 'string' }, user: { type: 'string' }, project: { type: 'string' }, reason: { type: 'string' }, all: { type: 'boolean' },
  }, sub === 'release' ? 1 : 0);
  if (values.help === true) {
    out(holdsUsage);
    return 0;
  }
  const remote = await findRunningService(config);
  const local = <T>(run: (ctx: LocalContext, clean: (s: string) => string) => Promise<T>) => withLocalDatabase(config, (ctx) => {
    const sanitizer = createSanitizer({ key: ctx.keys.sanitizerKey, customPatterns: [...config.sanitizer.customPatterns], allowlist: [...config.sanitizer.allowlist] });
    return run(ctx, (s) => sanitizer.sanitizeText(s).text);
  });

  if (sub === 'place') {
    const named = (['session', 'user', 'project'] as const).filter((k) => values[k] !== undefined);
    if (named.length !== 1) throw new UsageError('name exactly one of --session, --user or --project');
    const parsed = legalHoldSchema.safeParse({ scope: named[0], value: values[named[0]!], reason: values.reason ?? '' });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path[0] === 'value' ? named[0] : String(i.path[0])}: ${i.message}`).join('; '));
    const hold: HoldView = remote !== null
      ? await remote.json<HoldView>('POST', '/api/v1/legal-holds', parsed.data)
      : await local(async (ctx, clean) => holdView(await placeLegalHold(ctx.sql, { ...parsed.data, reason: clean(parsed.data.reason) }, 'cli')));
    out(`placed legal hold ${hold.id} on ${hold.scope} ${hold.value}`);
    return 0;
  }
  if (sub === 'list') {
    const holds: HoldView[] = remote !== null
      ? (await remote.json<{ legal_holds: HoldView[] }>('GET', `/api/v1/legal-holds?state=${values.all === true ? 'all' : 'active'}`)).legal_holds
      : await local(async (ctx) => (await listLegalHolds(ctx.sql, { includeReleased: values.all === true })).map(holdView));
    out(holds.length === 0 ? (values.all === true ? 'no legal holds' : 'no active legal holds') : ['ID\tON\tSTATE\tPLACED\tREASON', ...holds.map(describe)].join('\n'));
    return 0;
  }
  const raw = positionals[0];
  if (raw === undefined || !/^[1-9][0-9]{0,15}$/.test(raw)) throw new UsageError(`the id of the hold to release is required (a positive whole number)${raw === undefined ? '' : `, not "${raw.slice(0, 40)}"`}`);
  const release = holdReleaseSchema.safeParse({ reason: values.reason });
  if (!release.success) throw new UsageError(`--reason: ${release.error.issues[0]!.message}`);
  const hold: HoldView = remote !== null
    ? await remote.json<HoldView>('DELETE', `/api/v1/legal-holds/${raw}`, release.data)
    : await local(async (ctx, clean) => holdView(await releaseLegalHold(ctx.sql, Number(raw), 'cli', release.data.reason === undefined ? null : clean(release.data.reason))));
  out(`released legal hold ${hold.id} on ${hold.scope} ${hold.value}`);
  return 0;
}
