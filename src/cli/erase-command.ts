import type { Config } from '../config.js';
import { eraseTexts, type ErasureResult } from '../audit/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const eraseUsage = `Usage: flowtrail erase (--session-id ID | --user USERNAME) [--reason TEXT]

Erases the free texts (prompts, plans, decisions, messages) of one session, or
of every session a GitLab user initiated, for a GDPR erasure request. The
events, their identities and their hashes stay: the log and every proof still
verify. The erasure is recorded as personal_data_erased.`;

export async function eraseCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values } = parseCommandArgs(argv, { 'session-id': { type: 'string' }, user: { type: 'string' }, reason: { type: 'string' } });
  if (values.help === true) {
    out(eraseUsage);
    return 0;
  }
  if (values['session-id'] === undefined && values.user === undefined) throw new UsageError(`--session-id or --user is required\n${eraseUsage}`);
  const remote = await findRunningService(config);
  const r: { events: number } = remote !== null
    ? await remote.json<{ events: number }>('POST', '/api/v1/erasures', { session_id: values['session-id'], user: values.user, reason: values.reason })
    : await withLocalDatabase<ErasureResult>(config, (ctx) => eraseTexts(ctx.sql, { sessionId: values['session-id'], username: values.user }, { id: 'cli', reason: values.reason }));
  out(`erased the texts of ${r.events} events`);
  return 0;
}
