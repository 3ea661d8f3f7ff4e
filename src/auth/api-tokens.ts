import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { TOKEN_PATTERN } from '../config.js';
import { insertToken, listTokens, recordEvents, revokeToken, ROLES, type Role, type Sql, type TokenPurpose, type TokenRow } from '../store/index.js';

const USERNAME_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$/;
/** A GitLab project: its numeric id, or its full path (group/subgroup/project). */
const PROJECT_PATTERN = /^(?:[1-9][0-9]{0,18}|[A-Za-z0-9_.][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+)$/;
const MAX_PROJECTS = 100;

/** `ftk_` + 40 url-safe random characters (240 bits). */
export function generateToken(): string {
  return `ftk_${randomBytes(30).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export interface Actor {
  /** Who did it: a token id (`tk_...`), `cli`, or `system`. */
  id: string;
  username?: string | null;
}

export interface CreateTokenInput {
  role: string;
  user?: string | null;
  name?: string | null;
  /** Limits an ingest token to these projects (full paths or numeric ids). */
  projects?: readonly string[] | null;
  /** Use this value instead of a random one (FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN). */
  token?: string;
  /** The token stops working at this time by itself. */
  expiresAt?: Date;
  /** A token flowtrail makes for its own use. */
  purpose?: TokenPurpose;
}

/** Creates a token, stores only its hash, and records api_token_created. The token is returned once. */
export async function createApiToken(sql: Sql, input: CreateTokenInput, actor: Actor): Promise<{ id: string; token: string; role: Role }> {
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new AppError('invalid', `role must be one of ${ROLES.join(', ')}`);
  }
  const role = input.role as Role;
  const username = input.user ?? null;
  if (role === 'user' && username === null) throw new AppError('invalid', 'a user token needs the GitLab username it is bound to (user)');
  if (username !== null && !USERNAME_PATTERN.test(username)) throw new AppError('invalid', 'user must be a GitLab username');
  const projects = input.projects === undefined || input.projects === null || input.projects.length === 0 ? null : [...new Set(input.projects)];
  if (projects !== null) {
    if (role !== 'ingest') throw new AppError('invalid', 'only ingest tokens can be limited to projects');
    if (projects.length > MAX_PROJECTS) throw new AppError('invalid', `a token can be limited to at most ${MAX_PROJECTS} projects`);
    const bad = projects.find((p) => p.length > 1024 || !PROJECT_PATTERN.test(p));
    if (bad !== undefined) throw new AppError('invalid', `project "${bad.slice(0, 64)}" is neither a full project path (group/project) nor a numeric project id`);
  }
  const name = (input.name ?? `${role} token`).slice(0, 255);
  const token = input.token ?? generateToken();
  if (!TOKEN_PATTERN.test(token)) throw new AppError('invalid', 'a token must be "ftk_" followed by 40 url-safe characters');
  const id = `tk_${randomBytes(8).toString('hex')}`;
  const inserted = await insertToken(sql, { id, name, role, username, projects, tokenHash: hashToken(token), createdBy: actor.id, expiresAt: input.expiresAt, purpose: input.purpose });
  if (!inserted) throw new AppError('conflict', 'a token with this value already exists');
  await recordTokenEvent(sql, 'api_token_created', {
    token_id: id, role, name, user: username, ...(projects === null ? {} : { projects }),
    ...(input.expiresAt === undefined ? {} : { expires_at: input.expiresAt.toISOString() }), actor: actor.id,
  });
  return { id, token, role };
}

export async function revokeApiToken(sql: Sql, id: string, actor: Actor, reason?: string): Promise<TokenRow> {
  const row = await revokeToken(sql, id);
  if (row === null) throw new AppError('not_found', `no token with id ${id}`);
  await recordTokenEvent(sql, 'api_token_revoked', { token_id: id, role: row.role, actor: actor.id, ...(reason === undefined ? {} : { reason }) });
  return row;
}

export { listTokens as listApiTokens };

async function recordTokenEvent(sql: Sql, type: 'api_token_created' | 'api_token_revoked', data: Record<string, unknown>): Promise<void> {
  await recordEvents(sql, [{ eventId: randomUUID(), type, sessionId: null, occurredAt: new Date().toISOString(), source: 'system', data }]);
}
