import { z } from 'zod';
import { SESSION_ID_PATTERN } from '../events.js';

/** The body of POST /api/v1/erasures (also in the OpenAPI document). */
export const erasureSchema = z.strictObject({
  session_id: z.string().regex(SESSION_ID_PATTERN).optional(),
  user: z.string().min(1).max(255).optional(),
  reason: z.string().max(1000).optional(),
}).refine((b) => b.session_id !== undefined || b.user !== undefined, 'name a session_id or a user');
