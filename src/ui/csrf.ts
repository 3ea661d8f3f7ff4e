import type { Context } from 'hono';
import type { SignedIn } from '../auth/index.js';
import { safeEqual } from '../http/index.js';

/** A browser names where a form came from; when it does, it must be this site. */
export function originOk(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return origin === undefined;
  const self = new URL(c.req.url).origin;
  return origin === self || origin === new URL(publicUrl).origin;
}

/** A signed-in form POST: same origin, and the session's CSRF token in `_csrf`, compared in constant time. */
export async function checkCsrf(c: Context, who: SignedIn, publicUrl: string): Promise<boolean> {
  if (!originOk(c, publicUrl)) return false;
  const form = await c.req.parseBody();
  return safeEqual(typeof form._csrf === 'string' ? form._csrf : undefined, who.csrfToken);
}
