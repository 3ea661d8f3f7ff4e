import type { NewEvent } from '../events.js';
import type { Sanitizer } from './create-sanitizer.js';

/**
 * Redacts secrets and personal data from every string of the event's data
 * (nested objects and arrays too). Throws if the sanitizer fails: the caller
 * rejects the event, it is never stored raw.
 */
export function sanitizeEvent(sanitizer: Sanitizer, e: NewEvent): NewEvent {
  const { value } = sanitizer.sanitizeValue(e.data);
  return { ...e, data: value };
}
