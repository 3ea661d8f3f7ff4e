import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { eraseTexts } from '../audit/index.js';
import { erasureSchema, limitBody, parseJsonBody, requirePermission } from '../http/index.js';

/** POST /api/v1/erasures (admin): erase the free texts of a session or of a person's sessions; recorded as personal_data_erased. */
export function createErasuresApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', limitBody(16 * 1024), requirePermission(deps, 'erase'), async (c) => {
    const body = await parseJsonBody(c, erasureSchema, '{"session_id"?: ..., "user"?: ..., "reason"?: ...}');
    const reason = body.reason === undefined ? undefined : deps.sanitizer.sanitizeText(body.reason).text;
    const result = await eraseTexts(deps.sql, { sessionId: body.session_id, username: body.user }, { id: c.get('principal').tokenId, reason });
    return c.json({ events: result.events, seq_ranges: result.seqRanges, skipped_held: result.skippedHeld });
  });
  return app;
}
