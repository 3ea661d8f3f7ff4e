import { validateFlowEvent } from '../ingest/index.js';
import { sanitizeEvent, type Sanitizer } from '../sanitize/index.js';
import { saveIntake, type Sql } from '../store/index.js';
import { demoEvents } from './demo-events.js';

/** Loads the demo sessions through the same validation and sanitization as the flow-event API. */
export async function loadDemo(sql: Sql, sanitizer: Sanitizer): Promise<{ accepted: number; total: number }> {
  const events = demoEvents();
  const items = events.map((raw) => {
    const v = validateFlowEvent(raw);
    if (!v.ok) throw new Error(`demo event is invalid: ${v.error}`);
    const e = sanitizeEvent(sanitizer, v.event);
    return { dedupeKey: `flow_api:${e.eventId}`, source: e.source, events: [e] };
  });
  const inserted = await saveIntake(sql, items);
  return { accepted: inserted.size, total: events.length };
}
