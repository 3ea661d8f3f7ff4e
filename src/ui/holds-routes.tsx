import { Hono, type Context } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { holdView } from '../audit/index.js';
import { can, type SignedIn } from '../auth/index.js';
import { isAppError } from '../errors.js';
import { holdReleaseSchema, legalHoldSchema } from '../http/index.js';
import { listLegalHolds, listRetentionRules, placeLegalHold, releaseLegalHold, retentionFloor } from '../store/index.js';
import { checkCsrf } from './csrf.js';
import { HoldsPage } from './holds-page.js';
import { MessagePage } from './message-page.js';
import { signedIn } from './signed-in.js';

const PATH = '/admin/duo_agent_platform/legal_holds';
type Ctx = Context<AppEnv>;

/** The legal holds page (auditors and administrators read it; administrators place and release holds through its forms). */
export function createHoldsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const clean = (s: string) => deps.sanitizer.sanitizeText(s).text;

  const render = async (c: Ctx, who: SignedIn, error: string | null, notice: string | null) => {
    const [holds, rules, floor] = await Promise.all([listLegalHolds(deps.sql, { includeReleased: true }), listRetentionRules(deps.sql), retentionFloor(deps.sql)]);
    return c.html(<HoldsPage who={who} holds={holds.map(holdView)} retention={{ defaultDays: deps.config.retention.days, floorDays: floor, rules }}
      canManage={can(who.principal.role, 'manage_holds')} error={error} notice={notice} />, error === null ? 200 : 400);
  };
  const readable = async (c: Ctx) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    if (!can(who.principal.role, 'read_all')) {
      return c.html(<MessagePage who={who} title="Not allowed" message={`Legal holds are for auditors and administrators; you are signed in as ${who.principal.role}.`} />, 403);
    }
    return who;
  };
  /** A form POST: signed in, from this site with the page's token, by an administrator. */
  const manager = async (c: Ctx) => {
    const who = await deps.webSessions.read(c);
    if (who === null) return c.redirect('/-/sign_in', 303);
    if (!(await checkCsrf(c, who, deps.config.http.publicUrl))) return c.html(<MessagePage who={who} title="The form expired" message="The form expired or did not come from this site. Reload the page and try again." />, 403);
    if (!can(who.principal.role, 'manage_holds')) return c.html(<MessagePage who={who} title="Not allowed" message={`Placing and releasing legal holds is for administrators; you are signed in as ${who.principal.role}.`} />, 403);
    return who;
  };
  const form = async (c: Ctx) => {
    const body = await c.req.parseBody();
    return (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  };

  app.get(PATH, async (c) => {
    const who = await readable(c);
    if (who instanceof Response) return who;
    const placed = c.req.query('placed');
    const released = c.req.query('released');
    const notice = placed !== undefined && /^\d{1,16}$/.test(placed) ? `Placed legal hold #${placed}.`
      : released !== undefined && /^\d{1,16}$/.test(released) ? `Released legal hold #${released}.` : null;
    return render(c, who, null, notice);
  });

  app.post(PATH, async (c) => {
    const who = await manager(c);
    if (who instanceof Response) return who;
    const field = await form(c);
    const r = legalHoldSchema.safeParse({ scope: field('scope'), value: field('value'), reason: field('reason') });
    if (!r.success) return render(c, who, `The hold was not placed: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`, null);
    const hold = await placeLegalHold(deps.sql, { ...r.data, reason: clean(r.data.reason) }, who.principal.tokenId);
    return c.redirect(`${PATH}?placed=${hold.id}`, 303);
  });

  app.post(`${PATH}/:id/release`, async (c) => {
    const who = await manager(c);
    if (who instanceof Response) return who;
    const id = c.req.param('id');
    if (!/^[1-9][0-9]{0,15}$/.test(id)) return render(c, who, `"${id.slice(0, 40)}" is not a legal hold.`, null);
    const reason = (await form(c))('reason')?.trim();
    const r = holdReleaseSchema.safeParse({ reason: reason === '' ? undefined : reason });
    if (!r.success) return render(c, who, `The hold was not released: ${r.error.issues[0]!.message}.`, null);
    try {
      await releaseLegalHold(deps.sql, Number(id), who.principal.tokenId, r.data.reason === undefined ? null : clean(r.data.reason));
    } catch (err) {
      if (isAppError(err) && (err.code === 'not_found' || err.code === 'conflict')) return render(c, who, `The hold was not released: ${err.message}.`, null);
      throw err;
    }
    return c.redirect(`${PATH}?released=${id}`, 303);
  });
  return app;
}
