import { z } from 'zod';
import { eventTimeProblem } from './event-time.js';
import { findUnstorable } from './find-unstorable.js';

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
    // The report is recorded as of this moment: it must be one an event may claim.
    decided_at: z.iso.datetime({ offset: true }).superRefine((at, ctx) => {
      const problem = eventTimeProblem(at);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
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
}).superRefine((push, ctx) => {
  // Names, refs and trailers are recorded: a NUL or a lone surrogate in any of them is refused with its path.
  const unstorable = findUnstorable(push);
  if (unstorable !== null) ctx.addIssue({ code: 'custom', path: unstorable.path, message: unstorable.problem });
});
