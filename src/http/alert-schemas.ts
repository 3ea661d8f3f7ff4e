import { z } from 'zod';
import { ALERT_TYPES } from '../events.js';

/** GET /api/v1/alerts (and the alerts page's filters). */
export const alertsQuerySchema = z.strictObject({
  state: z.enum(['open', 'acknowledged', 'resolved', 'all'], 'must be open, acknowledged, resolved or all').default('open'),
  type: z.string().refine((t) => (ALERT_TYPES as readonly string[]).includes(t), { error: `must be an alert type: ${ALERT_TYPES.join(', ')}` }).optional()
    .describe('Only alerts of this type.'),
  before: z.coerce.number().int().positive().optional().describe('Log position: alerts before it (the next page).'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The body of POST /api/v1/alerts/:id/acknowledge and /resolve. */
export const alertActionSchema = z.strictObject({ reason: z.string().trim().min(1, 'say why (what was checked, what was done)').max(2000) });
