import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { eraseTexts } from '../audit/index.js';
import { AppError } from '../errors.js';
import { erasureSchema, limitBody, requirePermission } from '../http/index.js';

/** POST /api/v1/erasures (admin): erase the free texts of a session or of a person's sessions; recorded as personal_data_erased. */
export function createErasuresApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', limitBody(16 * 1024), requirePermission(deps, 'erase'), async (c) => {
    const r = erasureSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!r.success) throw new AppError('invalid', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const reason = r.data.reason === undefined ? undefined : deps.sanitizer.sanitizeText(r.data.reason).text;
    const result = await eraseTexts(deps.sql, { sessionId: r.data.session_id, username: r.data.user }, { id: c.get('principal').tokenId, reason });
    return c.json({ events: result.events, seq_ranges: result.seqRanges, skipped_held: result.skippedHeld });
  });
  return app;
}
