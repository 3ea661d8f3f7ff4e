import { z } from 'zod';

/** GET /api/v1/alerts. */
export const alertsQuerySchema = z.strictObject({
  state: z.enum(['open', 'acknowledged', 'resolved', 'all'], 'must be open, acknowledged, resolved or all').default('open'),
  before: z.coerce.number().int().positive().optional().describe('Log position: alerts before it (the next page).'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The body of POST /api/v1/alerts/:id/acknowledge and /resolve. */
export const alertActionSchema = z.strictObject({ reason: z.string().trim().min(1, 'say why (what was checked, what was done)').max(2000) });
