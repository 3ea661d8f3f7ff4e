import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import type { PageFrame } from '../http/index.js';
import { ApiDocsContent, ApiDocsPage } from './api-docs-page.js';
import { buildOpenApi } from './build-openapi.js';
import { OPERATIONS } from './operations.js';

/**
 * GET /api/v1/openapi.json (OpenAPI 3.1) and GET /api/v1/docs (the same as a
 * page, in the site's navigation). Both are public: they describe the contract, never data.
 */
export function createOpenApiApp(deps: AppDeps, options: { frame?: PageFrame } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let built: Record<string, unknown> | undefined;
  const document = () => (built ??= buildOpenApi(OPERATIONS, { serverUrl: deps.config.http.publicUrl }));
  app.get('/openapi.json', (c) => c.json(document()));
  // In the site's layout and navigation when the service has pages (the frame), else a page of its own.
  app.get('/docs', async (c) => (options.frame !== undefined
    ? options.frame(c, 'API', <ApiDocsContent document={document()} />)
    : c.html(`<!doctype html>${await (<ApiDocsPage document={document()} />).toString()}`)));
  return app;
}
