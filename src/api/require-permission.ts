import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { can, type Permission, type Principal } from '../auth/index.js';
import { AppError } from '../errors.js';

/**
 * Reads `Authorization: Bearer` or GitLab's `PRIVATE-TOKEN`, resolves the
 * principal and checks one permission. Without a token, a GET may use the
 * signed-in browser session (the pages' export buttons); changes always need
 * a token, so a cookie alone can never be replayed into one.
 */
export function requirePermission(deps: Pick<AppDeps, 'authenticator' | 'metrics' | 'webSessions'>, permission: Permission): MiddlewareHandler<AppEnv> {
  return async function requirePermission(c, next) {
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.header('private-token');
    let principal: Principal | null;
    if (token !== undefined) {
      principal = await deps.authenticator.authenticate(token);
    } else if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      principal = (await deps.webSessions.read(c))?.principal ?? null;
      if (principal === null) {
        deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'api' });
        throw new AppError('unauthorized', 'an API token is required (Authorization: Bearer ftk_... or PRIVATE-TOKEN), or a signed-in browser session');
      }
    } else {
      deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'api' });
      throw new AppError('unauthorized', 'an API token is required (Authorization: Bearer ftk_... or PRIVATE-TOKEN)');
    }
    if (principal === null) {
      deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'api' });
      throw new AppError('unauthorized', 'the API token is not valid');
    }
    if (!can(principal.role, permission)) {
      throw new AppError('forbidden', `the ${principal.role} role may not do this`);
    }
    c.set('principal', principal);
    await next();
  };
}
