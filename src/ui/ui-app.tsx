import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { APP_CSS, APP_JS } from './assets.js';
import { createAlertsRoutes } from './alerts-routes.js';
import { createDashboardRoutes } from './dashboard-routes.js';
import { createStreamingRoutes } from './streaming-page.js';
import { createHoldsRoutes } from './holds-routes.js';
import { createSearchRoutes } from './search-routes.js';
import { createSessionRoutes } from './session-routes.js';
import { createSignInRoutes } from './sign-in-routes.js';
import { createUsageRoutes } from './usage-routes.js';
import { createReportsRoutes } from './reports-routes.js';

/**
 * The pages: server-rendered with hono/jsx, working without JavaScript.
 * Every page needs a signed-in browser session; a `user` sees only the
 * sessions they initiated, and another user's session answers like a missing
 * one. Sign-in, the session pages and the audit dashboard are route groups of
 * their own.
 */
export function createUiApp(deps: AppDeps, options: { fetch?: typeof fetch } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route('/', createSignInRoutes(deps, options));
  app.get('/-/assets/app.css', (c) => c.body(APP_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/-/assets/app.js', (c) => c.body(APP_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/', (c) => c.redirect('/-/duo/sessions'));
  app.route('/', createSearchRoutes(deps));
  app.route('/', createSessionRoutes(deps));
  app.route('/', createDashboardRoutes(deps));
  app.route('/', createUsageRoutes(deps));
  app.route('/', createStreamingRoutes(deps));
  app.route('/', createAlertsRoutes(deps));
  app.route('/', createHoldsRoutes(deps));
  app.route('/', createReportsRoutes(deps));
  return app;
}
