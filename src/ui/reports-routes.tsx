import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps, AppEnv } from '../app-env.js';
import { can } from '../auth/index.js';
import { isAppError } from '../errors.js';
import { parseQuery, reportQuerySchema } from '../http/index.js';
import { produceReport, reportDepsFrom } from '../reports/index.js';
import { getStoredPack, listStoredPacks } from '../store/index.js';
import { checkCsrf } from './csrf.js';
import { MessagePage } from './message-page.js';
import { REPORTS_PATH, ReportsPage } from './reports-page.js';
import { signedIn } from './signed-in.js';

const download = (body: Buffer, contentType: string, filename: string, sha256: string) => new Response(new Uint8Array(body), {
  headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"`, 'x-flowtrail-sha256': sha256, 'cache-control': 'no-store' },
});

/** The evidence packs page (auditors and administrators): pick and download; the kept packs. */
export function createReportsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const lastMonth = () => {
    const now = new Date();
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    return { from: new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1)), to };
  };
  const page = async (who: Parameters<typeof ReportsPage>[0]['who'], error: string | null) =>
    <ReportsPage who={who} error={error} data={{ defaults: lastMonth(), stored: await listStoredPacks(deps.sql, 200), schedule: deps.config.reports.schedule }} />;

  app.get(REPORTS_PATH, async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    if (!can(who.principal.role, 'report')) {
      return c.html(<MessagePage who={who} title="Not allowed" message={`Evidence packs are for auditors and administrators; you are signed in as ${who.principal.role}.`} />, 403);
    }
    return c.html(await page(who, null));
  });

  // Producing a pack records an event: a form POST from this site with the page's CSRF token, never a GET.
  app.post(`${REPORTS_PATH}/download`, async (c) => {
    const who = await deps.webSessions.read(c);
    if (who === null) return c.text('Sign in first.', 401);
    if (!(await checkCsrf(c, who, deps.config.http.publicUrl))) return c.text('The form expired or did not come from this site. Reload the page and try again.', 403);
    if (!can(who.principal.role, 'report')) return c.text(`Evidence packs are for auditors and administrators; you are signed in as ${who.principal.role}.`, 403);
    const form = await c.req.parseBody();
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) if (k !== '_csrf' && typeof v === 'string' && v !== '') fields[k] = v;
    const p = who.principal;
    try {
      const q = parseQuery(reportQuerySchema, fields);
      const r = await produceReport(reportDepsFrom({
        sql: deps.sql, origin: deps.origin, verifiers: deps.verifiers, retentionDays: deps.config.retention.days, chromiumPath: deps.config.reports.chromiumPath, integrator: deps.integrator,
      }), { framework: q.framework, from: q.from, to: q.to, format: q.format, actor: { id: p.tokenId, role: p.role, username: p.username }, channel: 'web' });
      return download(r.body, r.contentType, r.filename, r.sha256);
    } catch (err) {
      // A refusal in words (a bad period, PDF without Chromium) goes back on the page; anything else is the app's 500.
      if (isAppError(err) && (err.status < 500 || err.status === 501)) return c.html(await page(who, err.message), err.status as ContentfulStatusCode);
      throw err;
    }
  });

  app.get(`${REPORTS_PATH}/stored/:id`, async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    if (!can(who.principal.role, 'report')) return c.text(`Evidence packs are for auditors and administrators; you are signed in as ${who.principal.role}.`, 403);
    const raw = c.req.param('id');
    const pack = /^[1-9]\d{0,15}$/.test(raw) ? await getStoredPack(deps.sql, Number(raw)) : null;
    if (pack === null) return c.html(<MessagePage who={who} title="No such pack" message={`There is no kept evidence pack ${raw}.`} />, 404);
    return download(pack.content, pack.contentType, pack.filename, pack.sha256);
  });
  return app;
}
