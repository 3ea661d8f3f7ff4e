import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../events.js';

/** An event flowtrail records itself. */
export function systemEvent(type: NewEvent['type'], sessionId: string | null, occurredAt: string, data: Record<string, unknown>, extra: Partial<NewEvent> = {}): NewEvent {
  return { eventId: randomUUID(), type, sessionId, occurredAt, source: 'system', data, ...extra };
}
