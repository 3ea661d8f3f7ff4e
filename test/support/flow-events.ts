import { randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

/** Builders of valid flow events for tests; pass fields to override. */
export function flowEvent(type: string, sessionId: string, occurredAt: string, fields: Json = {}): Json {
  return { event_id: randomUUID(), type, session_id: sessionId, occurred_at: occurredAt, ...fields };
}

export function startedEvent(sessionId: string, occurredAt: string, fields: Json = {}): Json {
  return flowEvent('duo_flow_started', sessionId, occurredAt, {
    user: { id: 1187, username: 'dwhitfield' },
    agent: { id: 77215, username: 'ai-developer-acme-platform' },
    project: { id: 4821, path: 'acme-platform/payments-api' },
    flow_type: 'software_development',
    input_prompt: 'Implement half-even rounding for ledger totals',
    authorization: { verified_at: '2026-03-10T14:00:00Z', method: 'composite_identity', scopes: ['ai_workflows'] },
    ...fields,
  });
}

export const at = (minute: number, second = 0): string => new Date(Date.UTC(2026, 2, 10, 14, minute, second)).toISOString();
