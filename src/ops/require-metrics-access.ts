import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { can } from '../auth/index.js';
import { AppError } from '../errors.js';
import { safeEqual } from '../http/index.js';

/**
 * Who may read /metrics. With FLOWTRAIL_METRICS_TOKEN: only `Authorization:
 * Bearer <it>` (compared in constant time), on whichever port serves it.
 * Without it: on the metrics port (FLOWTRAIL_METRICS_PORT) anyone who can
 * reach that address; on the main port an admin or auditor API token. A
 * browser cookie is never enough.
 */
export function requireMetricsAccess(deps: Pick<AppDeps, 'config' | 'authenticator' | 'metrics'>, on: 'main' | 'metrics'): MiddlewareHandler<AppEnv> {
  return async function requireMetricsAccess(c, next) {
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const expected = deps.config.metrics.token;
    if (expected !== undefined) {
      if (!safeEqual(bearer, expected)) refuse(deps, 'Authorization: Bearer <FLOWTRAIL_METRICS_TOKEN> is missing or wrong');
    } else if (on === 'main') {
      const token = bearer ?? c.req.header('private-token');
      const principal = token === undefined ? null : await deps.authenticator.authenticate(token);
      if (principal === null) refuse(deps, 'an admin or auditor API token is required (Authorization: Bearer ftk_...), or set FLOWTRAIL_METRICS_TOKEN');
      // read_all: the roles that see everything (admin, auditor), as the OpenAPI document says.
      if (!can(principal.role, 'read_all')) throw new AppError('forbidden', `the ${principal.role} role may not read /metrics`);
    }
    await next();
  };
}

function refuse(deps: Pick<AppDeps, 'metrics'>, message: string): never {
  deps.metrics.inc('flowtrail_auth_failures_total', { kind: 'metrics' });
  throw new AppError('unauthorized', message);
}
