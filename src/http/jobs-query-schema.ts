import { z } from 'zod';

/** The query of GET /api/v1/jobs (also in the OpenAPI document). */
export const jobsQuerySchema = z.object({
  state: z.enum(['pending', 'done', 'dead']).default('dead'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.coerce.number().int().positive().optional(),
});
