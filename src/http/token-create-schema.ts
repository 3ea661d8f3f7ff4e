import { z } from 'zod';

/** The body of POST /api/v1/tokens (also in the OpenAPI document). */
export const tokenCreateSchema = z.strictObject({
  role: z.string().describe('ingest, user, auditor or admin'),
  user: z.string().min(1).max(255).optional().describe('The GitLab username a user token is bound to (required for role user).'),
  name: z.string().min(1).max(255).optional(),
  projects: z.array(z.string().min(1).max(1024)).min(1).max(100).optional()
    .describe('Limits an ingest token to these projects: full paths (group/project) or numeric GitLab project ids.'),
});
