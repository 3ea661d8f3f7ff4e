import { createHash } from 'node:crypto';

/** Where a sender names a delivery, in the order they are read. */
const ID_HEADERS = ['idempotency-key', 'webhook-id', 'x-gitlab-event-uuid'] as const;

/**
 * The key a webhook delivery is deduplicated on: `<header>:<sha256>` of the
 * sender's id for it (GitLab's Idempotency-Key, else Standard Webhooks'
 * webhook-id, else X-Gitlab-Event-UUID), the event name and the body; `body:`
 * when there is no id. A retry repeats all three, so it is recognised. The
 * header name keeps each header's values apart, and the body in the hash means
 * a delivery that claims another's id with other content is stored as its
 * own: no sender can suppress someone else's delivery by sending its id first.
 */
export function deliveryDedupeKey(header: (name: string) => string | undefined, event: string, body: string): string {
  for (const name of ID_HEADERS) {
    const id = header(name);
    if (id !== undefined) return `${name}:${digest(id, event, body)}`;
  }
  return `body:${digest('', event, body)}`;
}

function digest(id: string, event: string, body: string): string {
  // Header values hold no line breaks, so the fields cannot run into each other.
  return createHash('sha256').update(`${id}\n${event}\n`).update(body).digest('hex');
}
