import type { z } from 'zod';
import { catalog, envelopeSchema, ENVELOPE_FIELDS, isEventName, type NewEvent } from '../events.js';
import { describeUnstorable, eventTimeProblem, findUnstorable } from '../http/index.js';

export type Validated = { ok: true; event: NewEvent } | { ok: false; error: string };

/** Checks one flow event against the envelope and its type's schema; never throws on input. */
export function validateFlowEvent(value: unknown, now = Date.now()): Validated {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'an event must be a JSON object' };
  }
  // Before any schema: a NUL, a lone surrogate or an infinite number anywhere (fields, keys, nested) is named with its path.
  const unstorable = findUnstorable(value);
  if (unstorable !== null) return { ok: false, error: describeUnstorable(unstorable, 'event') };
  const env = envelopeSchema.safeParse(value);
  if (!env.success) return { ok: false, error: formatIssues(env.error, value) };
  const { event_id: eventId, type, session_id: sessionId, occurred_at: occurredAt } = env.data;
  if (!isEventName(type)) return { ok: false, error: `type: unknown event type "${truncate(type)}"` };
  const entry = catalog[type];
  if (!entry.ingestable) return { ok: false, error: `type: "${type}" is recorded by flowtrail itself and cannot be posted` };
  const timeProblem = eventTimeProblem(occurredAt, now);
  if (timeProblem !== null) return { ok: false, error: `occurred_at: ${timeProblem}` };
  const rest: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const f of ENVELOPE_FIELDS) delete rest[f];
  const fields = entry.schema.safeParse(rest);
  if (!fields.success) return { ok: false, error: formatIssues(fields.error, rest) };
  const data = fields.data;
  const project = data.project as { path?: unknown } | undefined;
  const user = data.user as { username?: unknown } | undefined;
  return {
    ok: true,
    event: {
      eventId: eventId.toLowerCase(),
      type,
      sessionId,
      occurredAt,
      source: 'flow_api',
      sourceType: type,
      sourceId: eventId.toLowerCase(),
      projectPath: typeof project?.path === 'string' ? project.path : null,
      username: typeof user?.username === 'string' ? user.username : null,
      data,
    },
  };
}

export function formatIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.length > 0 ? i.path.join('.') : 'event';
      const missing = i.code === 'invalid_type' && valueAt(input, i.path) === undefined;
      return `${path}: ${missing ? 'is required' : i.message}`;
    })
    .join('; ');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function truncate(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}...` : s;
}
