import { z } from 'zod';

const objectId = z.string().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/, 'a 40 or 64 hex digit object id');
/** The body of POST /api/v1/push-checks (also in the OpenAPI document). */
export const pushCheckRequestSchema = z.object({
  project_path: z.string().min(1).max(1024),
  protocol: z.string().max(32).nullable(),
  username: z.string().max(255).nullable(),
  gl_id: z.string().max(255).nullable(),
  gl_repository: z.string().max(255).nullable(),
  mode: z.enum(['enforce', 'warn']),
  dry_run: z.boolean().optional(),
  references: z.enum(['agent', 'all']).optional(),
  unchecked: z.object({
    report_id: z.uuid(),
    reason: z.string().max(2000),
    decided_at: z.iso.datetime({ offset: true }),
    accepted: z.boolean(),
  }).optional(),
  refs: z.array(z.object({ old: objectId, new: objectId, ref: z.string().min(1).max(4096) })).max(100_000),
  commits: z.array(z.object({
    sha: objectId,
    short_sha: z.string().regex(/^[0-9a-f]{4,64}$/),
    author_name: z.string().max(1024),
    author_email: z.string().max(1024),
    committer_name: z.string().max(1024).optional(),
    committer_email: z.string().max(1024).optional(),
    committed_at: z.iso.datetime({ offset: true }),
    references: z.array(z.object({ key: z.string().max(256), reference: z.string().max(4096), session_id: z.string().max(4096).nullable() })).max(100),
  })).max(1_000_000),
});
