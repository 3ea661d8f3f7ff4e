import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/index.js';
import { limitBody, parseJsonBody, requirePermission, tokenCreateSchema } from '../http/index.js';

/** POST/GET /api/v1/tokens and DELETE /api/v1/tokens/:id (admin only); every change is audited. */
export function createTokensApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requirePermission(deps, 'manage_tokens'));
  app.post('/', limitBody(16 * 1024), async (c) => {
    const body = await parseJsonBody(c, tokenCreateSchema, '{"role": ..., "user"?: ..., "name"?: ..., "projects"?: [...]}');
    const p = c.get('principal');
    const created = await createApiToken(deps.sql, body, { id: p.tokenId, username: p.username });
    return c.json({ id: created.id, token: created.token, role: created.role }, 201);
  });
  app.get('/', async (c) => {
    const rows = await listApiTokens(deps.sql);
    return c.json({
      tokens: rows.map((t) => ({
        id: t.id, name: t.name, role: t.role, user: t.username, projects: t.projects, created_at: t.createdAt.toISOString(), created_by: t.createdBy,
        revoked_at: t.revokedAt?.toISOString() ?? null, last_used_at: t.lastUsedAt?.toISOString() ?? null, expires_at: t.expiresAt?.toISOString() ?? null,
      })),
    });
  });
  app.delete('/:id', async (c) => {
    const p = c.get('principal');
    const row = await revokeApiToken(deps.sql, c.req.param('id'), { id: p.tokenId, username: p.username });
    deps.authenticator.forget();
    return c.json({ id: row.id, revoked: true });
  });
  return app;
}
