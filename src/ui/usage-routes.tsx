import { Hono } from 'hono';
import { z } from 'zod';
import type { AppDeps, AppEnv } from '../app-env.js';
import { usageCsv, usageReport } from '../audit/index.js';
import { can } from '../auth/index.js';
import { isAppError } from '../errors.js';
import { describeUnstorable, findUnstorable, usageWindow } from '../http/index.js';
import { USAGE_GROUPS } from '../store/index.js';
import { signedIn } from './signed-in.js';
import { USAGE_PATH, UsagePage, type UsageForm } from './usage-page.js';

const DAY_MS = 86_400_000;
const day = z.iso.date({ error: 'must be a date, YYYY-MM-DD' }).refine((d) => d >= '0001-01-01', 'must be a date from 0001-01-01 to 9999-12-31');
const formSchema = z.object({
  from: day.optional(),
  to: day.optional(),
  group_by: z.enum(USAGE_GROUPS, { error: `must be one of ${USAGE_GROUPS.join(', ')}` }).default('project'),
  format: z.enum(['html', 'csv'], { error: 'must be csv, or left out for the page' }).default('html'),
});
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * /-/duo/usage: the usage report for every signed-in person (a `user` sees
 * their own sessions' figures, as with the API), whole UTC days from `from`
 * to `to` inclusive (default the 30 days up to today). `format=csv` answers
 * the table as CSV, read by the same code from the same query, so the export
 * is what the page shows.
 */
export function createUsageRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(USAGE_PATH, async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    const own = !can(who.principal.role, 'read_all');
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const fallback: UsageForm = { from: dayOf(today - 29 * DAY_MS), to: dayOf(today), group_by: 'project' };
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v.trim() !== ''));
    const unknown = Object.keys(query).filter((k) => !(k in formSchema.shape));
    const unstorable = findUnstorable(query);
    const parsed = formSchema.safeParse(query);
    let error = unknown.length > 0 ? `unknown parameter: ${unknown.join(', ')}`
      : unstorable !== null ? describeUnstorable(unstorable, 'query')
      : parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    const f = error === null && parsed.success ? parsed.data : { ...fallback, format: 'html' as const };
    const to = f.to ?? (f.from === undefined ? fallback.to : dayOf(Math.min(today, Date.parse(f.from) + 29 * DAY_MS)));
    const from = f.from ?? dayOf(Date.parse(to) - 29 * DAY_MS);
    const form: UsageForm = { from, to, group_by: f.group_by };
    if (error === null && from > to) error = `From (${from}) must not be after To (${to})`;
    let report = null;
    if (error === null) {
      try {
        const window = usageWindow(new Date(`${from}T00:00:00Z`), new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS));
        report = await usageReport(deps.sql, { ...window, groupBy: f.group_by, username: own ? who.principal.username ?? '\u0000' : undefined });
      } catch (err) {
        if (!isAppError(err) || err.code !== 'invalid') throw err;
        error = err.message;
      }
    }
    if (f.format === 'csv' && report !== null) {
      return c.body(usageCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="flowtrail-usage-${form.group_by}-${from}-${to}.csv"`,
      });
    }
    if (error !== null && query.format === 'csv') return c.text(`Not exported: ${error}`, 400);
    return c.html(<UsagePage who={who} form={form} error={error} report={report} own={own} />, error === null ? 200 : 400);
  });
  return app;
}
