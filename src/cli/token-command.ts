import type { Config } from '../config.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const tokenUsage = `Usage:
  flowtrail token create --role ROLE [--user USERNAME] [--name NAME] [--project P]...
  flowtrail token list
  flowtrail token revoke ID

Roles: ingest, user (needs --user), auditor, admin. --project (repeatable; a
full path like group/project or a numeric GitLab project id) limits an ingest
token to those projects: its flow events and push checks for any other project,
or naming none, are refused. The token is printed once;
only its hash is stored. Every change is recorded in the audit log.`;

interface TokenListing {
  id: string;
  name: string;
  role: string;
  user: string | null;
  projects: string[] | null;
  created_at: string;
  revoked_at: string | null;
  expires_at?: string | null;
  last_used_at: string | null;
}

export async function tokenCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(tokenUsage);
    return 0;
  }
  if (sub === undefined) throw new UsageError(`a token command is required\n${tokenUsage}`);
  const remote = await findRunningService(config);
  if (sub === 'create') {
    const { values } = parseCommandArgs(rest, { role: { type: 'string' }, user: { type: 'string' }, name: { type: 'string' }, project: { type: 'string', multiple: true } });
    if (values.help === true) {
      out(tokenUsage);
      return 0;
    }
    if (values.role === undefined) throw new UsageError('--role is required');
    const input = { role: values.role, user: values.user, name: values.name, projects: values.project };
    const created = remote !== null
      ? await remote.json<{ id: string; token: string; role: string }>('POST', '/api/v1/tokens', input)
      : await withLocalDatabase(config, (ctx) => createApiToken(ctx.sql, input, { id: 'cli' }));
    out(`id: ${created.id}\nrole: ${created.role}\ntoken: ${created.token}\n(the token is shown only now; store it safely)`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parseCommandArgs(rest, {});
    if (values.help === true) {
      out(tokenUsage);
      return 0;
    }
    const tokens: TokenListing[] = remote !== null
      ? (await remote.json<{ tokens: TokenListing[] }>('GET', '/api/v1/tokens')).tokens
      : (await withLocalDatabase(config, (ctx) => listApiTokens(ctx.sql))).map((t) => ({
          id: t.id, name: t.name, role: t.role, user: t.username, projects: t.projects, created_at: t.createdAt.toISOString(),
          revoked_at: t.revokedAt?.toISOString() ?? null, last_used_at: t.lastUsedAt?.toISOString() ?? null, expires_at: t.expiresAt?.toISOString() ?? null,
        }));
    out(['ID\tROLE\tUSER\tPROJECTS\tCREATED\tSTATE\tNAME', ...tokens.map((t) => `${t.id}\t${t.role}\t${t.user ?? '-'}\t${t.projects?.join(',') ?? '-'}\t${t.created_at}\t${tokenState(t)}\t${t.name}`)].join('\n'));
    return 0;
  }
  if (sub === 'revoke') {
    const { values, positionals } = parseCommandArgs(rest, {}, 1);
    if (values.help === true) {
      out(tokenUsage);
      return 0;
    }
    const id = positionals[0];
    if (id === undefined) throw new UsageError('the token id to revoke is required');
    if (remote !== null) await remote.json('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
    else await withLocalDatabase(config, (ctx) => revokeApiToken(ctx.sql, id, { id: 'cli' }));
    out(`revoked ${id}`);
    return 0;
  }
  throw new UsageError(`unknown token command "${sub}"\n${tokenUsage}`);
}

function tokenState(t: { revoked_at: string | null; expires_at?: string | null }): string {
  if (t.revoked_at !== null) return `revoked ${t.revoked_at}`;
  if (t.expires_at !== undefined && t.expires_at !== null) return Date.parse(t.expires_at) <= Date.now() ? `expired ${t.expires_at}` : `active until ${t.expires_at}`;
  return 'active';
}
