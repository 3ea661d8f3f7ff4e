import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { ApiDocsPage } from './api-docs-page.js';
import { buildOpenApi } from './build-openapi.js';
import { OPERATIONS } from './operations.js';

/**
 * GET /api/v1/openapi.json (OpenAPI 3.1) and GET /api/v1/docs (the same as a
 * page). Both are public: they describe the contract, never data.
 */
export function createOpenApiApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let built: Record<string, unknown> | undefined;
  const document = () => (built ??= buildOpenApi(OPERATIONS, { serverUrl: deps.config.http.publicUrl }));
  app.get('/openapi.json', (c) => c.json(document()));
  app.get('/docs', async (c) => c.html(`<!doctype html>${await (<ApiDocsPage document={document()} />).toString()}`));
  return app;
}
