import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps, AppEnv } from './app-env.js';
import {
  createAlertsApp, createAuditEventsApp, createErasuresApp, createExportApp, createIntegrityApp, createJobsApp, createLegalHoldsApp, createPushChecksApp, createRetentionApp,
  createReportsApp, createSessionsApp, createStreamingDestinationsApp, createTokensApp, createUsageApp, MAX_PUSH_CHECK_BYTES,
} from './api/index.js';
import { AppError } from './errors.js';
import { answerError, limitBody, MAX_FORM_BYTES } from './http/index.js';
import { createAuditStreamApp, createFlowEventsApp, createOtlpTracesApp, createWebhookApp } from './ingest/index.js';
import { createOpsApp } from './ops/index.js';
import { createHtmlNotFound, createPageFrame, createUiApp } from './ui/index.js';
import { createGraphqlApp } from './graphql/index.js';
import { createOpenApiApp } from './openapi/index.js';

/** The whole HTTP surface. The one app.onError turns AppError codes into statuses. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Pages load only their own stylesheet and script: no inline code, no other origin.
  app.use('*', secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"], styleSrc: ["'self'"], scriptSrc: ["'self'"], imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"],
    },
  }));
  app.use('*', async function measure(c, next) {
    const started = performance.now();
    await next();
    const route = c.req.routePath || 'unmatched';
    deps.metrics.inc('flowtrail_http_requests_total', { method: c.req.method, route, status: String(c.res.status) });
    deps.metrics.observe('flowtrail_http_request_duration_seconds', (performance.now() - started) / 1000, { route });
  });
  // One body limit in front of every route, before anything reads a body (413 above it): push checks their own,
  // the API and webhooks FLOWTRAIL_MAX_BODY_BYTES, page forms and anything else MAX_FORM_BYTES. Routes may lower it.
  const maxBody = deps.config.http.maxBodyBytes;
  app.use('*', limitBody((path) => path === '/api/v1/push-checks' ? Math.max(maxBody, MAX_PUSH_CHECK_BYTES)
    : path.startsWith('/api/') || path.startsWith('/webhooks/') || path === '/v1/traces' ? maxBody : Math.min(maxBody, MAX_FORM_BYTES)));

  app.route('/', createOpsApp(deps));
  app.route('/api/v1/flow-events', createFlowEventsApp(deps));
  app.route('/v1/traces', createOtlpTracesApp(deps));
  app.route('/webhooks/gitlab/audit-events', createAuditStreamApp(deps));
  app.route('/webhooks/gitlab', createWebhookApp(deps));
  app.route('/api/v1/sessions', createSessionsApp(deps));
  app.route('/api/v1/audit-events', createAuditEventsApp(deps));
  app.route('/api/v1/usage', createUsageApp(deps));
  app.route('/api/v1/export', createExportApp(deps));
  app.route('/api/v1/integrity', createIntegrityApp(deps));
  app.route('/api/v1/tokens', createTokensApp(deps));
  app.route('/api/v1/retention', createRetentionApp(deps));
  app.route('/api/v1/erasures', createErasuresApp(deps));
  app.route('/api/v1/legal-holds', createLegalHoldsApp(deps));
  app.route('/api/v1/alerts', createAlertsApp(deps));
  app.route('/api/v1/jobs', createJobsApp(deps));
  app.route('/api/v1/push-checks', createPushChecksApp(deps));
  app.route('/api/v1/reports', createReportsApp(deps));
  app.route('/api/v1/streaming-destinations', createStreamingDestinationsApp(deps));
  app.route('/api/graphql', createGraphqlApp(deps));
  app.route('/api/v1', createOpenApiApp(deps, { frame: createPageFrame(deps) }));

  app.route('/', createUiApp(deps));

  // A browser gets a page (with the site's navigation); the API, webhooks and every other client JSON.
  const htmlNotFound = createHtmlNotFound(deps);
  app.notFound((c) => htmlNotFound(c) ?? c.json({ error: 'not_found', message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError(answerError(deps.log, 'request failed'));
  return app;
}

export { AppError };
