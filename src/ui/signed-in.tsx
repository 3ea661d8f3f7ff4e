import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { can, type SignedIn } from '../auth/index.js';
import type { SessionRow } from '../store/index.js';
import { MessagePage } from './message-page.js';

/** The signed-in person (the page is then never cached), or a redirect to the sign-in page that comes back here. */
export async function signedIn(deps: AppDeps, c: Context<AppEnv>): Promise<SignedIn | Response> {
  const who = await deps.webSessions.read(c);
  if (who !== null) {
    c.header('cache-control', 'no-store');
    return who;
  }
  const url = new URL(c.req.url);
  return c.redirect(`/-/sign_in?return_to=${encodeURIComponent(url.pathname + url.search)}`, 302);
}

/** A `user` sees only the sessions they initiated; auditors and admins see all. */
export function canSeeSession(who: SignedIn, s: SessionRow | null): s is SessionRow {
  return s !== null && (can(who.principal.role, 'read_all') || s.username === who.principal.username);
}

/** Another user's session answers like a missing one. */
export function sessionNotFound(c: Context<AppEnv>, who: SignedIn, id: string): Response | Promise<Response> {
  return c.html(<MessagePage who={who} title="Session not found" message={`There is no session ${id.slice(0, 128)} that you may see.`} />, 404);
}
