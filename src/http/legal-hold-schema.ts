import { z } from 'zod';
import { SESSION_ID_PATTERN } from '../events.js';

/** The body of POST /api/v1/legal-holds (also in the OpenAPI document). */
export const legalHoldSchema = z.strictObject({
  scope: z.enum(['session', 'user', 'project'], 'must be session, user or project'),
  value: z.string().trim().min(1, 'name what to hold').max(1024),
  reason: z.string().trim().min(1, 'a hold needs a reason (the matter, a ticket)').max(2000),
}).refine((b) => b.scope !== 'session' || SESSION_ID_PATTERN.test(b.value), { path: ['value'], message: 'is not a session id (1-128 characters of A-Z a-z 0-9 . _ : -)' })
  .refine((b) => b.scope !== 'user' || /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$/.test(b.value), { path: ['value'], message: 'is not a GitLab username' })
  .refine((b) => b.scope !== 'project' || /^[A-Za-z0-9_.][A-Za-z0-9_.\-/]*[A-Za-z0-9_]$/.test(b.value) && b.value.includes('/'), { path: ['value'], message: 'is not a project path (group/project)' });

/** The body of DELETE /api/v1/legal-holds/:id (optional). */
export const holdReleaseSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000).optional() });

/** The body of PUT /api/v1/retention/rules: `days: null` removes the rule. */
export const retentionRuleSchema = z.strictObject({
  scope: z.enum(['project', 'flow_type'], 'must be project or flow_type'),
  value: z.string().trim().min(1).max(1024),
  days: z.number().int().min(1).max(36500).nullable(),
});
