import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { holdView } from '../audit/index.js';
import { AppError } from '../errors.js';
import { holdReleaseSchema, legalHoldSchema, limitBody, parseJsonBody, requirePermission } from '../http/index.js';
import { listLegalHolds, placeLegalHold, releaseLegalHold } from '../store/index.js';

const holdId = (raw: string): number => {
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new AppError('invalid', `"${raw.slice(0, 40)}" is not a legal hold id (a positive whole number)`);
  return Number(raw);
};

/**
 * POST /api/v1/legal-holds (admin) places a hold on a session, a person or a
 * project; GET lists them (admin, auditor); DELETE /:id releases one (admin).
 * Each change is recorded (legal_hold_placed, legal_hold_released) by the
 * database function that makes it; the free-text reason is sanitized first.
 */
export function createLegalHoldsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const clean = (s: string) => deps.sanitizer.sanitizeText(s).text;
  app.post('/', limitBody(16 * 1024), requirePermission(deps, 'manage_holds'), async (c) => {
    const body = await parseJsonBody(c, legalHoldSchema, '{"scope": "session|user|project", "value": ..., "reason": ...}');
    const hold = await placeLegalHold(deps.sql, { ...body, reason: clean(body.reason) }, c.get('principal').tokenId);
    return c.json(holdView(hold), 201);
  });
  app.get('/', requirePermission(deps, 'read_all'), async (c) => {
    const state = c.req.query('state') ?? 'active';
    if (state !== 'active' && state !== 'all') throw new AppError('invalid', 'state must be active (the default) or all');
    return c.json({ legal_holds: (await listLegalHolds(deps.sql, { includeReleased: state === 'all' })).map(holdView) });
  });
  app.get('/:id', requirePermission(deps, 'read_all'), async (c) => {
    const [hold] = await listLegalHolds(deps.sql, { includeReleased: true, id: holdId(c.req.param('id')) });
    if (hold === undefined) throw new AppError('not_found', `there is no legal hold ${c.req.param('id')}`);
    return c.json(holdView(hold));
  });
  app.delete('/:id', limitBody(16 * 1024), requirePermission(deps, 'manage_holds'), async (c) => {
    const id = holdId(c.req.param('id'));
    const body = await parseJsonBody(c, holdReleaseSchema, '{"reason": ...}', {});
    const reason = body.reason ?? c.req.query('reason');
    const hold = await releaseLegalHold(deps.sql, id, c.get('principal').tokenId, reason === undefined ? null : clean(reason.slice(0, 2000)));
    return c.json(holdView(hold));
  });
  return app;
}
