import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import type { PageFrame } from '../http/index.js';
import { Layout } from './layout.js';
import { MessagePage } from './message-page.js';

/** A browser asking for a page: it accepts HTML, and the path is not the API's or a webhook's (those always answer JSON). */
export function wantsHtml(c: Context): boolean {
  const path = new URL(c.req.url).pathname;
  if (path === '/api' || path.startsWith('/api/') || path === '/webhooks' || path.startsWith('/webhooks/')) return false;
  return (c.req.header('accept') ?? '').includes('text/html');
}

/** A message page with a status (403, 404, ...), in the site's layout, for whoever is signed in (or nobody). */
export async function htmlMessage(deps: AppDeps, c: Context<AppEnv>, status: 400 | 401 | 403 | 404, title: string, message: string): Promise<Response> {
  const who = await deps.webSessions.read(c);
  c.header('cache-control', 'no-store');
  return c.html(<MessagePage who={who} title={title} message={message} />, status);
}

/** The answer to an unknown path: an HTML page for a browser, else null (the caller answers JSON). */
export function createHtmlNotFound(deps: AppDeps): (c: Context<AppEnv>) => Promise<Response> | null {
  return (c) => {
    if (!wantsHtml(c) || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return null;
    const path = new URL(c.req.url).pathname;
    return htmlMessage(deps, c, 404, 'Page not found', `There is no page at ${path.slice(0, 200)}.`);
  };
}

/** Another surface's page inside the site's layout, with the signed-in person's navigation when there is one. */
export function createPageFrame(deps: AppDeps): PageFrame {
  return async (c, title, content) => {
    const who = await deps.webSessions.read(c);
    return c.html(<Layout title={title} who={who}>{content}</Layout>);
  };
}
