import { raw } from 'hono/html';
import type { Child, FC } from 'hono/jsx';
import { can, type SignedIn } from '../auth/index.js';
import { HiddenCsrf } from './components.js';

/** Every page: standards mode (the doctype), the site's header with its navigation and search box, the content. */
export const Layout: FC<{ title: string; who?: SignedIn | null; children?: Child }> = ({ title, who, children }) => (
  <>{raw('<!doctype html>')}<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="same-origin" />
      <title>{title} · flowtrail</title>
      <link rel="stylesheet" href="/-/assets/app.css" />
      <script src="/-/assets/app.js" defer></script>
    </head>
    <body>
      <header class="top">
        <a class="brand" href="/-/duo/sessions">flowtrail</a>
        <nav>
          {who ? <a href="/-/duo/sessions">Sessions</a> : null}
          {who ? <a href="/-/duo/usage">Usage</a> : null}
          {who && can(who.principal.role, 'read_all') ? <a href="/admin/duo_agent_platform/audit">Audit</a> : null}
          {who && can(who.principal.role, 'read_all') ? <a href="/admin/duo_agent_platform/alerts">Alerts</a> : null}
          {who && can(who.principal.role, 'manage_streaming') ? <a href="/admin/duo_agent_platform/streaming">Streaming</a> : null}
          {who && can(who.principal.role, 'read_all') ? <a href="/admin/duo_agent_platform/legal_holds">Holds</a> : null}
          {who && can(who.principal.role, 'report') ? <a href="/admin/duo_agent_platform/reports">Reports</a> : null}
          {who ? <a href="/api/v1/docs">API</a> : null}
        </nav>
        {who ? (
          <form class="search" method="get" action="/-/duo/search" role="search">
            <input name="q" type="search" aria-label="Find the sessions of a commit or merge request" placeholder="Commit SHA or group/project!12" />
          </form>
        ) : null}
        {who ? (
          <div class="who">
            <span title={`role: ${who.principal.role}; signed in with ${who.method === 'gitlab' ? 'GitLab' : 'an API token'}`}>
              {who.displayName} <span class="badge badge-muted">{who.principal.role}</span>
            </span>
            <form method="post" action="/-/sign_out"><HiddenCsrf token={who.csrfToken} /><button type="submit">Sign out</button></form>
          </div>
        ) : null}
      </header>
      <main>{children}</main>
    </body>
  </html></>
);
