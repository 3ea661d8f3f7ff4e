import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { can, type Permission, type Principal } from '../auth/index.js';
import { AppError } from '../errors.js';

/**
 * Reads `Authorization: Bearer` or GitLab's `PRIVATE-TOKEN`, resolves the
 * principal and checks one permission. Only API tokens: the browser session
 * cookie authorizes nothing here, whatever the method, because a browser
 * attaches it to any request another site makes it send (a link, an <img>,
 * a form). The pages export through their own CSRF-checked form instead.
 */
export function requirePermission(deps: Pick<AppDeps, 'authenticator' | 'metrics'>, permission: Permission): MiddlewareHandler<AppEnv> {
  return async function requirePermission(c, next) {
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.header('private-token');
    if (token === undefined) {
      deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'api' });
      throw new AppError('unauthorized', 'an API token is required (Authorization: Bearer ftk_... or PRIVATE-TOKEN); a browser session does not authorize the API');
    }
    const principal: Principal | null = await deps.authenticator.authenticate(token);
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
