import type { z } from 'zod';
import { can, type Principal } from '../auth/index.js';
import { AppError } from '../errors.js';
import type { EventFilters } from '../store/index.js';
import type { eventQuerySchema } from './query.js';

/** Turns the shared event query into store filters, pinning a `user` token to its own sessions. */
export function eventFilters(q: Omit<z.infer<typeof eventQuerySchema>, 'limit' | 'cursor' | 'after_seq' | 'order'>, p: Principal): EventFilters {
  const f: EventFilters = { sessionId: q.session_id, type: q.type, username: q.user, project: q.project, flowType: q.flow_type, from: q.from, to: q.to };
  if (!can(p.role, 'read_all')) {
    if (q.user !== undefined && q.user !== p.username) throw new AppError('forbidden', 'a user token sees only its own sessions');
    f.ownerUsername = p.username ?? '\u0000';
  }
  return f;
}
